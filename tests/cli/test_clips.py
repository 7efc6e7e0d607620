"""`musigan harmonize` and `musigan continue` on clips as a DAW writes them: type 1, a conductor track
with a tempo map and a metre, 96 ticks a beat, the notes starting a bar late."""
import mido
import pytest
from musigan.models.midi_file import read_midi, write_midi
from support import held_out_tunes, run_musigan

TICKS = 96  # what Ableton Live writes
MELODY = [67, 69, 71, 72, 74, 72, 71, 69, 67]  # G4 .. D5 .. G4, one a beat


def daw_clip(path, pitches=MELODY, channel=0, metre=(3, 4), lead_bars=1):
    """A clip exported from a DAW: conductor track first (tempo 96, then 100 later), notes on track 2."""
    conductor = mido.MidiTrack([mido.MetaMessage("track_name", name="clip"),
                                mido.MetaMessage("time_signature", numerator=metre[0], denominator=metre[1]),
                                mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(96)),
                                mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(100), time=TICKS * 6)])
    notes = mido.MidiTrack([mido.MetaMessage("track_name", name="lead")])
    wait = lead_bars * metre[0] * TICKS
    for pitch in pitches:
        notes.append(mido.Message("note_on", channel=channel, note=pitch, velocity=90, time=wait))
        notes.append(mido.Message("note_off", channel=channel, note=pitch, velocity=0, time=TICKS))
        wait = 0
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS)
    midi.tracks += [conductor, notes]
    midi.save(path)
    return path


def test_harmonize_writes_the_melody_and_each_voice_on_its_own_track_from_bar_1(tmp_path):
    clip = daw_clip(tmp_path / "melody.mid")
    out = tmp_path / "harmonized.mid"
    result = run_musigan("harmonize", clip, "--out", out, "--voices", "3", "--voice-channels", "5,6,7", "--plot")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "harmonized.png").exists()
    midi = mido.MidiFile(out)
    meta = [m for m in midi.tracks[0] if m.is_meta]
    assert any(m.type == "time_signature" and (m.numerator, m.denominator) == (3, 4) for m in meta)
    assert mido.tempo2bpm(next(m.tempo for m in meta if m.type == "set_tempo")) == pytest.approx(96)
    assert [t.name for t in midi.tracks[1:]] == ["melody", "voice 1", "voice 2", "voice 3"]
    channels = [{m.channel for m in t if m.type == "note_on"} for t in midi.tracks[1:]]
    assert channels == [{0}, {4}, {5}, {6}]
    piece = read_midi(out, 4)
    melody = piece.notes[piece.notes[:, 4] == 0]
    assert melody[:, 0].tolist() == MELODY and melody[0, 1] == 0  # the empty first bar trimmed: bar 1
    for note in melody:  # under every melody note, three voices strictly below it, struck with it
        under = piece.notes[(piece.notes[:, 4] > 0) & (piece.notes[:, 1] == note[1])]
        assert len(under) >= 2 and (under[:, 0] < note[0]).all(), (note, under)
    assert (piece.notes[piece.notes[:, 4] > 0][:, 1] >= 0).all()


def test_continue_keeps_the_clip_then_plays_from_its_next_bar_or_apart(tmp_path):
    clip = daw_clip(tmp_path / "clip.mid", MELODY[:8], metre=(4, 4))  # two bars after the empty one
    together, apart = tmp_path / "together.mid", tmp_path / "apart.mid"
    result = run_musigan("continue", clip, "--preset", "folk-lstm", "--bars", "2", "--out", together)
    assert result.returncode == 0, result.stderr
    piece = read_midi(together, 4)
    kept, added = piece.notes[piece.notes[:, 4] == 0], piece.notes[piece.notes[:, 4] == 1]
    assert kept[:, 0].tolist() == MELODY[:8] and kept[0, 1] == 0
    assert len(added) and added[:, 1].min() >= 32 and added[:, 2].max() <= 64  # bars 3 and 4
    result = run_musigan("continue", clip, "--preset", "folk-lstm", "--bars", "2", "--out", apart, "--apart")
    assert result.returncode == 0, result.stderr
    alone = read_midi(apart, 4)
    assert set(alone.notes[:, 4].tolist()) == {0} and alone.notes[:, 1].min() >= 0 and alone.total_steps <= 32
    assert alone.notes[:, 0].tolist() == (added[:, 0].tolist())  # the same notes, moved to bar 1


@pytest.mark.parametrize("make, message", [
    (lambda path: daw_clip(path, []), "has no notes"),
    (lambda path: daw_clip(path, [36, 38, 42], channel=9), "is a drum clip (channel 10 only)"),
    (lambda path: daw_clip(path, [67, 20]), "G#0 is outside what bach-harmony plays (A0..C8)"),
    (lambda path: path.write_bytes(b"MThd not really") and path, "not a readable MIDI file"),
])
def test_a_clip_that_cannot_be_used_is_one_line_and_exit_2(tmp_path, make, message):
    clip = make(tmp_path / "clip.mid")
    for command in (["harmonize", clip], ["continue", clip, "--preset", "bach-harmony"]):
        result = run_musigan(*command, "--out", tmp_path / "out.mid")
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.mid").exists()


def test_harmonize_with_a_chord_preset_writes_melody_chords_and_bass_tracks(tmp_path):
    """A held-out O'Neill tune as a DAW clip: folk-chords accompanies it on the tune's beats, the
    chords and the bass each on a track named for it."""
    tune = held_out_tunes(1)[0]
    clip = tmp_path / "tune.mid"
    write_midi(tune.slice_steps(0, 64), clip)
    out = tmp_path / "band.mid"
    result = run_musigan("harmonize", clip, "--preset", "folk-chords", "--comping", "pulse", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "chords (pulse) and a bass" in result.stdout
    midi = mido.MidiFile(out)
    assert [t.name for t in midi.tracks[1:]] == ["melody", "chords", "bass"]
    piece = read_midi(out, 2)
    chord_notes, bass = piece.notes[piece.notes[:, 4] == 1], piece.notes[piece.notes[:, 4] == 2]
    assert len(bass) and bass[:, 0].max() < chord_notes[:, 0].min()
    assert not (chord_notes[:, 1] % 2).any()  # pulse: struck on the beats (a quarter: 2 steps) only
    assert len(set(chord_notes[:, 1].tolist())) >= 28  # on nearly every beat of the 32


def test_a_clip_for_the_wrong_part_count_or_preset_is_one_line_and_exit_2(tmp_path):
    clip = daw_clip(tmp_path / "clip.mid")
    for args, message in ((["--preset", "folk-chords", "--voice-channels", "2,3,4"], "names 3 channel(s) for 2 part(s)"),
                          (["--preset", "folk-lstm"], "can neither harmonize")):
        result = run_musigan("harmonize", clip, *args, "--out", tmp_path / "out.mid")
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "out.mid").exists()
