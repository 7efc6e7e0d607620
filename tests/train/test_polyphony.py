"""A language model trained through the CLI on a polyphonic multi-track folder sounds no more notes
at once than its corpus usually does (`bench/polyphony.py` measures how near the corpus it comes)."""
import numpy as np
import pytest
from support import run_musigan

from musigan.models.generation import generate_piece, usual_voices
from musigan.models.midi_file import write_midi
from musigan.models.presets import get_preset
from musigan.train.corpus import bundled_corpus_files
from musigan.models.score_file import read_score

TINY = """
madrigals:
  data: {source: ., steps_per_quarter: 4, encoding: {name: events}, split: {valid: 0.2, test: 0.2}}
  model: {cell: lstm, layers: 1, units: 32, embedding: 16, dropout: 0.0, head: softmax}
  training: {epochs: 2, batch_size: 8, sequence_length: 64, sample_every: 0}
"""


@pytest.mark.slow
def test_an_events_model_of_five_part_madrigals_sounds_no_more_than_its_corpus_usually_does(tmp_path):
    for path in bundled_corpus_files("monteverdi")[:24:2]:  # the .mxl scores, five or six parts each
        for piece in read_score(path, 4):
            write_midi(piece, tmp_path / f"{path.stem}.mid")
    (tmp_path / "madrigals.yaml").write_text(TINY)
    result = run_musigan("train", "madrigals", "--config", tmp_path / "madrigals.yaml", "--out", tmp_path / "run",
                         "--no-calibration", timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    preset = get_preset("madrigals", [tmp_path / "madrigals.yaml"])
    card = preset.card()["data"]
    assert 3 <= card["polyphony_p75"] <= card["polyphony_p99"] <= 8  # five voices, a sixth now and then
    assert usual_voices(preset) == card["polyphony_p75"]
    for seed in range(3):
        piece = generate_piece(preset, 8, None, seed)
        sounding = piece.sounding().sum(axis=1)
        assert len(piece) and sounding.max() <= card["polyphony_p75"], np.bincount(sounding)
