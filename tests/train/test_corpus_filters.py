"""A messy corpus filtered by the preset's keys: what each filter removed is said, and a filter that
leaves nothing stops before any work with one line naming it."""
import mido
from musigan.models.presets import get_preset
from musigan.train.corpus_filters import preset_corpus
from support import run_musigan


def tune(path, bars, metre=(4, 4), tracks=1, drums=False):
    """`bars` bars of quarter notes in `metre`, on `tracks` tracks (plus a drum track if `drums`)."""
    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    midi.tracks.append(mido.MidiTrack([mido.MetaMessage("time_signature", numerator=metre[0], denominator=metre[1])]))
    for index in range(tracks + drums):
        channel = 9 if index == tracks else index
        track = mido.MidiTrack()
        for beat in range(bars * metre[0]):
            pitch = 60 + 7 * index + beat % 5 if channel != 9 else 36
            track += [mido.Message("note_on", channel=channel, note=pitch, velocity=80),
                      mido.Message("note_off", channel=channel, note=pitch, time=96 * 4 // metre[1])]
        midi.tracks.append(track)
    midi.save(path)


def messy_folder(tmp_path):
    folder = tmp_path / "messy"
    folder.mkdir()
    tune(folder / "solo-long.mid", 8)
    tune(folder / "solo-short.mid", 1)
    tune(folder / "waltz.mid", 8, metre=(3, 4))
    tune(folder / "band.mid", 8, tracks=3)
    tune(folder / "solo-with-drums.mid", 8, drums=True)
    return folder


def config(tmp_path, folder, **data):
    path = tmp_path / "messy.yaml"
    keys = ", ".join(f"{k}: {v}" for k, v in data.items())
    path.write_text(f"""
messy:
  data: {{source: "{folder}", encoding: {{name: events}}, {keys}}}
  model: {{layers: 1, units: 8, embedding: 4, dropout: 0.0}}
  training: {{epochs: 1, batch_size: 2, sequence_length: 16, sample_every: 0}}
""")
    return path


def test_each_filter_removes_what_it_names_and_counts_it(tmp_path):
    folder = messy_folder(tmp_path)
    corpus, removed = preset_corpus(get_preset("messy", [config(tmp_path, folder)]))
    assert len(corpus.pieces) == 5 and removed == {}  # no filter set: today's behaviour
    preset = get_preset("messy", [config(tmp_path, folder, single_instrument="true", min_bars=4,
                                         metres="['4/4']")])
    corpus, removed = preset_corpus(preset)
    assert sorted(p.name for p in corpus.pieces) == ["solo-long", "solo-with-drums"]  # drums left out by the reader
    assert removed == {"data.single_instrument": 1, "data.min_bars": 1, "data.metres": 1}
    drums = get_preset("messy", [config(tmp_path, folder, drums="true", single_instrument="true")])
    assert "solo-with-drums" not in [p.name for p in preset_corpus(drums)[0].pieces]  # two voices with its drums


def test_train_says_what_the_filters_removed_and_stops_when_one_leaves_nothing(tmp_path):
    folder = messy_folder(tmp_path)
    nothing = run_musigan("train", "messy", "--config", config(tmp_path, folder, metres="['6/8']"),
                          "--out", tmp_path / "run")
    assert nothing.returncode == 2 and "data.metres leaves no piece (5 before it)" in nothing.stderr, nothing.stderr
    assert len(nothing.stderr.strip().splitlines()) == 1 and not (tmp_path / "run" / "state.json").exists()
    bad = run_musigan("train", "messy", "--config", config(tmp_path, folder, single_instrument="'yes'"))
    assert bad.returncode == 2 and "data.single_instrument: expected true or false, got 'yes'" in bad.stderr


def test_a_preset_of_your_own_from_several_folders_reads_them_all_as_one_corpus(tmp_path):
    from musigan.train.fine_tune import fine_tune_preset

    folders = [tmp_path / "reels", tmp_path / "waltzes"]
    for index, folder in enumerate(folders):
        folder.mkdir()
        for number in range(3 + index):
            tune(folder / f"{folder.name}-{number}.mid", 8, metre=(3, 4) if index else (4, 4))
    preset, _ = fine_tune_preset("mine", "folk-lstm", [str(f) for f in folders], minutes=1)
    assert preset.sources() == [str(f.resolve()) for f in folders]
    corpus, _ = preset_corpus(preset)
    assert sorted(p.name for p in corpus.pieces) == [f"reels-{n}" for n in range(3)] + [f"waltzes-{n}" for n in range(4)]
    missing = run_musigan("train", "mine", "--from", "folk-lstm", str(folders[0]), str(tmp_path / "nowhere"))
    assert missing.returncode == 2 and "nowhere: no such folder or file" in missing.stderr
