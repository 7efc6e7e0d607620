
import pytest
from musigan.models.midi_file import write_midi
from musigan.models.notes import NoteSequence, notes_array
from musigan.train.corpus import SourceError, load_corpus
from musigan.train.corpus_stats import corpus_stats
from musigan.train.transpose import apply_transposition, estimate_key, normalize_key
from support import run_musigan

JSB_QUARTER = "jsb-chorales-quarter"  # shipped in data/jsb
MUSICXML = """<?xml version="1.0" encoding="UTF-8"?>
<score-partwise version="3.1"><part-list><score-part id="P1"><part-name>Flute</part-name></score-part></part-list>
<part id="P1"><measure number="1"><attributes><divisions>1</divisions><time><beats>4</beats><beat-type>4</beat-type></time></attributes>
<note><pitch><step>C</step><octave>5</octave></pitch><duration>2</duration></note>
<note><pitch><step>E</step><octave>5</octave></pitch><duration>2</duration></note>
</measure></part></score-partwise>"""


def scale(tonic=60, steps=(0, 2, 4, 5, 7, 9, 11, 12, 7, 4, 0)):
    return NoteSequence(notes_array((tonic + s, 2 * i, 2 * i + 2, 80, 0) for i, s in enumerate(steps)), name="scale")


@pytest.fixture
def messy_folder(tmp_path):
    """Good files next to every kind of bad one a real collection has."""
    good = tmp_path / "good"
    write_midi(scale(), good / "scale.mid")
    write_midi(scale(62), good / "nested" / "scale-d.mid")
    (good / "flute.musicxml").write_text(MUSICXML)
    whole = (good / "scale.mid").read_bytes()
    (good / "truncated.mid").write_bytes(whole[: len(whole) // 2])
    (good / "empty.mid").write_bytes(b"")
    (good / "wrong-header.mid").write_bytes(b"RIFF" + whole[4:])
    (good / "garbage.midi").write_bytes(bytes(range(256)) * 8)
    (good / "broken.xml").write_text(MUSICXML[: len(MUSICXML) // 2])
    (good / "notes.txt").write_text("not music, and not a music suffix: ignored")
    return good


def test_bad_files_are_skipped_with_reasons_and_the_rest_ingested(messy_folder):
    corpus = load_corpus(str(messy_folder), jobs=2, progress=False)
    assert sorted(p.name for p in corpus.pieces) == ["flute", "scale", "scale-d"]
    skipped = {path.rsplit("/", 1)[-1]: reason for path, reason in corpus.skipped}
    assert set(skipped) == {"truncated.mid", "empty.mid", "wrong-header.mid", "garbage.midi", "broken.xml"}
    assert "0 bytes" in skipped["empty.mid"]
    assert all(reason for reason in skipped.values())
    flute = next(p for p in corpus.pieces if p.name == "flute")
    assert flute.notes[:, :3].tolist() == [[72, 0, 8], [76, 8, 16]]


def test_data_command_reports_skips_and_exits_zero(messy_folder):
    result = run_musigan("data", messy_folder, "--stats")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("skipped ")]
    assert len(lines) == 5 and any("empty.mid: empty file" in line for line in lines)
    assert "5 file(s) skipped, 3 piece(s) read" in result.stderr
    assert "skipped files: 5" in result.stdout


def test_second_ingest_comes_from_the_cache_and_a_changed_file_invalidates_it(tmp_path):
    write_midi(scale(), tmp_path / "a.mid")
    first = load_corpus(str(tmp_path), progress=False)
    second = load_corpus(str(tmp_path), progress=False)
    assert not first.from_cache and second.from_cache
    assert [p.notes.tolist() for p in first.pieces] == [p.notes.tolist() for p in second.pieces]
    assert second.pieces[0].tempo_bpm == first.pieces[0].tempo_bpm and second.splits == first.splits
    write_midi(scale(64), tmp_path / "a.mid")
    third = load_corpus(str(tmp_path), progress=False)
    assert not third.from_cache and third.pieces[0].notes[0, 0] == 64


def test_missing_source_is_a_clear_error(tmp_path):
    with pytest.raises(SourceError, match="no such file or folder"):
        load_corpus(str(tmp_path / "nope"))
    with pytest.raises(SourceError, match="no MIDI or score files"):
        load_corpus(str(tmp_path))
    with pytest.raises(SourceError, match="corpus:nobody"):
        load_corpus("corpus:nobody")
    result = run_musigan("data", tmp_path / "nope")
    assert result.returncode == 2 and "no such file or folder" in result.stderr


def test_jsb_split_is_the_published_one():
    corpus = load_corpus(f"jsb:{JSB_QUARTER}")
    assert [len(corpus.split(s)) for s in ("train", "valid", "test")] == [229, 76, 77]
    assert corpus.pieces[0].steps_per_quarter == 1


def test_jsb_stats_from_the_command():
    result = run_musigan("data", f"jsb:{JSB_QUARTER}", "--stats")
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in result.stdout.splitlines()
            if line.count("│") > 3}
    assert (rows["train"], rows["valid"], rows["test"]) == ("229", "76", "77")


def test_key_normalisation_and_augmentation():
    d_major = scale(62)
    assert estimate_key(d_major) == (2, "major")
    assert normalize_key(d_major).notes[0, 0] == 60
    a_minor = scale(57, steps=(0, 2, 3, 5, 7, 8, 11, 12, 7, 3, 0))
    assert estimate_key(a_minor) == (9, "minor")
    augmented = apply_transposition([d_major], "augment")
    assert len(augmented) == 12
    assert sorted(int(p.notes[0, 0]) for p in augmented) == list(range(57, 69))
    high = NoteSequence(notes_array([(105, 0, 1, 80, 0)]))
    assert len(apply_transposition([high], "augment")) == 9  # only shifts that stay <= 108


def test_stats_count_polyphony():
    seq = NoteSequence(notes_array([(60, 0, 4, 80, 0), (64, 0, 2, 80, 0), (67, 6, 8, 80, 0)]))
    stats = corpus_stats([seq])
    assert (stats["pieces"], stats["notes"], stats["steps"]) == (1, 3, 8)
    assert stats["polyphony_max"] == 2 and stats["polyphony_mean"] == pytest.approx(8 / 6)
    assert stats["silent_steps"] == pytest.approx(2 / 8)


@pytest.mark.slow
def test_bundled_bach_chorales_ingest_and_cache():
    result = run_musigan("data", "corpus:bach", "--stats", timeout=600)
    assert result.returncode == 0, result.stderr
    all_row = next(line for line in result.stdout.splitlines() if line.startswith("│ all"))
    assert int(all_row.split("│")[2]) >= 350
    cached = load_corpus("corpus:bach", progress=False)
    assert cached.from_cache and len(cached.pieces) >= 350


@pytest.mark.slow
def test_bundled_folk_collection_ingests():
    corpus = load_corpus("corpus:oneills1850", progress=False)
    assert len(corpus.pieces) > 1000 and not corpus.skipped
    assert corpus_stats(corpus.pieces)["polyphony_mean"] < 1.2  # melodies, with the odd chord
