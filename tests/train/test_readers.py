"""The fast MIDI reader (symusic) and the repairing one (mido) give the same notes; a file only mido
can read is read by mido, and `musigan data` says which reader read what."""
from pathlib import Path

import numpy as np
import pytest
from musigan.models.midi_file import read_midi, read_midi_fast, write_midi
from musigan.train.corpus import load_corpus
from musigan.train.readers import read_file_by
from support import run_musigan

DOCS = Path(__file__).resolve().parents[2] / "docs"
# one note whose velocity byte is 0xFF: symusic refuses the file, mido clips the byte to 127
REPAIRABLE = (b"MThd\x00\x00\x00\x06\x00\x00\x00\x01\x00\x60MTrk\x00\x00\x00\x0c"
              b"\x00\x90\x3c\xff\x60\x80\x3c\x00\x00\xff\x2f\x00")


def same(a, b):
    assert np.array_equal(a.notes, b.notes), (a.name, a.notes[:4], b.notes[:4])
    assert (a.tempo_bpm, a.time_signature, a.steps_per_quarter) == (b.tempo_bpm, b.time_signature, b.steps_per_quarter)


@pytest.mark.parametrize("grid", [4, 12])
def test_both_readers_give_the_same_notes_on_written_chorales(tmp_path, grid):
    chorales = load_corpus("jsb:jsb-16th-satb", steps_per_quarter=4, progress=False).split("test")[:20]
    for index, piece in enumerate(chorales):
        path = write_midi(piece, tmp_path / f"{index}.mid")
        same(read_midi(path, grid), read_midi_fast(path, grid))


def test_both_readers_give_the_same_notes_on_the_shipped_clips():
    for path in sorted(DOCS.glob("*.mid")):
        same(read_midi(path), read_midi_fast(path))
        assert read_file_by(path)[1] == "symusic"


def test_a_file_symusic_refuses_is_read_by_mido_and_said(tmp_path):
    (tmp_path / "repair.mid").write_bytes(REPAIRABLE)
    write_midi(load_corpus("jsb:jsb-16th-satb", steps_per_quarter=4, progress=False).pieces[0], tmp_path / "ok.mid")
    pieces, reader = read_file_by(tmp_path / "repair.mid")
    assert reader == "mido" and pieces[0].notes[0, 3] == 127
    result = run_musigan("data", tmp_path, "--no-cache")
    assert result.returncode == 0, result.stderr
    assert "read by: mido 1 file(s), symusic 1 file(s)" in result.stdout
