"""Real training on a small model, through the command a user runs."""
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import mido
import numpy as np
import pytest
from musigan.models.presets import get_preset
from support import run_musigan

JSB_QUARTER = "jsb-chorales-quarter"  # shipped in data/jsb


def tiny_preset(folder: Path, name="tiny", epochs=4, head="softmax", cell="gru") -> Path:
    encoding = "{name: frames, order: descending}" if head == "softmax" else "{name: pianoroll, width: 88}"
    path = folder / "mine.yaml"
    path.write_text(f"""
{name}:
  description: a small model for tests
  data: {{source: "jsb:{JSB_QUARTER}", steps_per_quarter: 1, encoding: {encoding}, max_pieces: 40}}
  model: {{cell: {cell}, layers: 1, units: 48, embedding: 16, dropout: 0.0, head: {head}}}
  training: {{epochs: {epochs}, batch_size: 16, sequence_length: 64, learning_rate: 0.01, sample_every: 2}}
""")
    return path


@pytest.mark.slow
def test_train_lowers_validation_loss_then_lists_evaluates_and_generates(tmp_path):
    config = tiny_preset(tmp_path)
    result = run_musigan("train", "tiny", "--config", config, "--out", tmp_path / "run", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    state = json.loads((tmp_path / "run" / "state.json").read_text())
    losses = [h["valid_nll_per_step"] for h in state["history"]]
    assert len(losses) == 4 and losses[-1] < losses[0] - 1.0
    assert sorted(p.name for p in (tmp_path / "run" / "samples").iterdir()) == ["epoch-002.mid", "epoch-004.mid"]
    assert list((tmp_path / "run" / "logs").rglob("events.out.tfevents*"))

    preset = get_preset("tiny", [config])
    card = preset.card()
    assert card["parameters"] > 0 and card["hardware"]["backend"] == "tensorflow"
    assert card["metrics"]["test"]["pieces"] == 40 and card["vocab_size"] == 89
    # it plays its corpus's density: an offset per temperature, calibrated after training
    assert card["data"]["notes_per_bar"] > 0 and sorted(map(float, card["data"]["density_offsets"])) == [
        0.1, 0.5, 1.0, 1.5, 2.0]

    listed = run_musigan("presets", "--config", config)
    assert "tiny" in listed.stdout and f"{card['metrics']['test']['nll_per_step']:.3f}" in listed.stdout

    evaluated = run_musigan("evaluate", "tiny", "--config", config, "--split", "test", "--json")
    assert evaluated.returncode == 0, evaluated.stderr[-2000:]
    figures = json.loads(evaluated.stdout)
    assert figures["nll_per_step"] == pytest.approx(card["metrics"]["test"]["nll_per_step"], rel=1e-4)

    out = tmp_path / "new.mid"
    generated = run_musigan("generate", "tiny", "--config", config, "--bars", "4", "--out", out, "--seed", "3")
    assert generated.returncode == 0, generated.stderr
    notes = [m for m in mido.MidiFile(out) if m.type == "note_on" and m.velocity > 0]
    assert notes
    from music21 import converter

    assert len(converter.parse(out).flatten().notes) > 0


@pytest.mark.slow
def test_killed_run_resumes_and_loses_at_most_one_epoch(tmp_path):
    config = tiny_preset(tmp_path, epochs=6)
    run_dir = tmp_path / "run"
    process = subprocess.Popen([sys.executable, "-m", "musigan.cli", "train", "tiny", "--config", str(config),
                                "--out", str(run_dir)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state_file = run_dir / "state.json"
    deadline = time.time() + 300
    while time.time() < deadline and not (state_file.exists() and json.loads(state_file.read_text())["epoch"] >= 2):
        assert process.poll() is None, "the training process died before its second epoch"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    killed_at = json.loads(state_file.read_text())["epoch"]
    assert 2 <= killed_at < 6

    again = run_musigan("train", "tiny", "--config", config, "--out", run_dir)
    assert again.returncode == 2 and "--resume" in again.stderr  # never silently overwrites a run

    resumed = run_musigan("train", "tiny", "--config", config, "--out", run_dir, "--resume", timeout=600)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert f"resuming tiny after epoch {killed_at}" in resumed.stdout
    history = json.loads(state_file.read_text())["history"]
    assert [h["epoch"] for h in history] == [1, 2, 3, 4, 5, 6]


@pytest.mark.slow
def test_sigmoid_head_trains_on_pianoroll_rows(tmp_path):
    config = tiny_preset(tmp_path, name="rows", epochs=3, head="sigmoid", cell="lstm")
    result = run_musigan("train", "rows", "--config", config, "--out", tmp_path / "run", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    card = get_preset("rows", [config]).card()
    losses = [h["valid_nll_per_step"] for h in card["history"]]
    assert losses[-1] < losses[0]
    assert card["metrics"]["test"]["steps"] == card["metrics"]["test"]["tokens"]  # one row per step
    # its corpus's key counts (mostly four keys sounding), and the tilt fitted to them
    shares, weights = (np.asarray(card["data"][key]) for key in ("key_count_shares", "key_count_weights"))
    assert shares.shape == weights.shape == (9, 9) and shares.sum() == pytest.approx(1, abs=1e-3)
    assert shares.sum(axis=1).argmax() == 4 and (weights >= 0).all()
    out = tmp_path / "rows.mid"
    assert run_musigan("generate", "rows", "--config", config, "--bars", "2", "--out", out).returncode == 0
    assert any(m.type == "note_on" for m in mido.MidiFile(out))


@pytest.mark.slow
def test_another_training_seed_starts_another_model(tmp_path):
    """`training.seed` sets the initial weights and batch order: the same seed trains the same model
    again, another shows how much of a result is chance; the card records which seed it was."""
    config = tiny_preset(tmp_path, epochs=1)
    other = tmp_path / "other.yaml"
    other.write_text("tiny: {training: {seed: 7}}\n")
    losses = {}
    for run, configs in (("first", [config]), ("again", [config]), ("seven", [config, other])):
        flags = [flag for path in configs for flag in ("--config", path)]
        result = run_musigan("train", "tiny", *flags, "--out", tmp_path / run, "--weights-dir", tmp_path / f"w-{run}",
                             "--no-calibration", timeout=600)
        assert result.returncode == 0, result.stderr[-2000:]
        losses[run] = json.loads((tmp_path / run / "state.json").read_text())["history"][0]["valid_nll_per_step"]
        card = json.loads((tmp_path / f"w-{run}" / "tiny.json").read_text())
        assert card["config"]["training"]["seed"] == (7 if run == "seven" else 1234)
    assert losses["again"] == pytest.approx(losses["first"], rel=1e-4) and losses["seven"] != pytest.approx(
        losses["first"], rel=1e-3)
