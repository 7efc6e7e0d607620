"""`musigan sweep`: a two-trial sweep on a tiny model writes its table, its plot and a ready winner."""
import json

import pytest
from musigan.models.presets import get_preset
from support import run_musigan


@pytest.mark.slow
def test_two_trial_sweep_ranks_plots_and_ships_the_winner(tmp_path):
    presets = tmp_path / "tiny.yaml"
    presets.write_text("""
tiny:
  data: {source: "jsb:jsb-chorales-quarter", steps_per_quarter: 1, encoding: {name: pianoroll, width: 88}, max_pieces: 30}
  model: {layers: 1, units: 16, embedding: 8, dropout: 0.0, head: sigmoid}
  training: {epochs: 2, batch_size: 8, sequence_length: 32, sample_every: 0}
""")
    spec = tmp_path / "sweep.yaml"
    spec.write_text(f"base: tiny\nconfig: [{presets}]\nbudget_minutes: 2\ngrid:\n  model.units: [4, 32]\n")
    out = tmp_path / "sweep"
    result = run_musigan("sweep", spec, "--out", out, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads((out / "sweep.json").read_text())["trials"]
    assert sorted(t["overrides"]["model.units"] for t in state.values()) == [4, 32]
    table = (out / "results.md").read_text().splitlines()
    rows = [line for line in table if line.startswith("| 1 ") or line.startswith("| 2 ")]
    assert len(rows) == 2
    valids = [float(row.split("|")[4]) for row in rows]
    assert valids == sorted(valids)
    assert (out / "valid.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    winner = get_preset("tiny-sweep", [out / "winner.yaml"])
    assert winner.trained and winner.card()["metrics"]["valid"]["nll_per_step"] == pytest.approx(valids[0], abs=1e-3)
    generated = run_musigan("generate", "tiny-sweep", "--config", out / "winner.yaml", "--bars", "1",
                            "--out", tmp_path / "w.mid")
    assert generated.returncode == 0, generated.stderr
    again = run_musigan("sweep", spec, "--out", out)
    assert again.returncode == 2 and "--resume" in again.stderr
    resumed = run_musigan("sweep", spec, "--out", out, "--resume", timeout=300)
    assert resumed.returncode == 0 and "trial 1/2" not in resumed.stdout  # nothing left to train
