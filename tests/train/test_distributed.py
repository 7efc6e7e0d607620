"""Data-parallel training through Keras' distribution API, on two virtual CPU devices under JAX."""
import json
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from support import ROOT, run_musigan

TINY = """
tiny:
  data: {source: "jsb:jsb-chorales-quarter", steps_per_quarter: 1, encoding: {name: pianoroll, width: 88}, max_pieces: 30}
  model: {layers: 1, units: 16, embedding: 8, dropout: 0.0, head: sigmoid}
  training: {epochs: 3, batch_size: 8, sequence_length: 32, sample_every: 0}
"""


def train(tmp_path, devices: int):
    config = tmp_path / "tiny.yaml"
    config.write_text(TINY)
    env = {**os.environ, "KERAS_BACKEND": "jax", "XLA_FLAGS": f"--xla_force_host_platform_device_count={devices}",
           "MUSIGAN_HOME": str(tmp_path / f"home{devices}")}
    result = run_musigan("train", "tiny", "--config", config, "--out", tmp_path / f"run{devices}", env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout, json.loads((tmp_path / f"run{devices}" / "state.json").read_text())["history"]


@pytest.mark.slow
def test_two_devices_follow_the_one_device_loss_curve(tmp_path):
    pytest.importorskip("jax")
    one_out, one = train(tmp_path, 1)
    two_out, two = train(tmp_path, 2)
    assert "data-parallel" not in one_out and "data-parallel over 2 devices (batch 4 on each)" in two_out
    for a, b in zip(one, two):  # the same model, data and seed; the two-device run drops each epoch's ragged tail
        assert b["loss"] == pytest.approx(a["loss"], rel=0.02)
        assert b["valid_nll_per_step"] == pytest.approx(a["valid_nll_per_step"], rel=0.02)
    assert two[-1]["valid_nll_per_step"] < two[0]["valid_nll_per_step"]  # and it learns


def readme_command(marker: str) -> list[str]:
    """The command line of the README's code block under `<!-- marker -->`."""
    lines = (ROOT / "README.md").read_text().splitlines()
    return shlex.split(lines[lines.index(f"<!-- {marker} -->") + 2])


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("localhost", 0))
        return probe.getsockname()[1]


def history(folder: Path) -> list[dict]:
    return json.loads((folder / "runs" / "jsb-gru-sigmoid" / "state.json").read_text())["history"]


@pytest.mark.slow
def test_two_processes_joined_by_the_readmes_command_train_as_one(tmp_path):
    """The README's multi-host line, run as two processes on this machine (one CPU device each,
    a localhost coordinator), follows the one-process loss curve; only process 0 writes anything."""
    pytest.importorskip("jax")
    command = readme_command("multi-host-command")
    env_words = [w for w in command if "=" in w and not w.startswith("-")]
    assert env_words == ["KERAS_BACKEND=jax"] and command[len(env_words)] == "musigan", command
    args = [w.replace("HOST0:1234", f"localhost:{free_port()}") for w in command[len(env_words) + 1:]]
    args += ["--epochs", "3", "--no-calibration"]
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    env.pop("XLA_FLAGS", None)

    def start(folder: Path, words: list[str]) -> subprocess.Popen:
        folder.mkdir()
        return subprocess.Popen([sys.executable, "-m", "musigan.cli", *words], cwd=folder, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                env={**env, "MUSIGAN_HOME": str(folder / "home")})

    def id_swapped(index: int) -> list[str]:
        at = args.index("--process-id")
        return [*args[:at + 1], str(index), *args[at + 2:]]

    one = start(tmp_path / "alone", [w for w in args[: args.index("--join")]] + ["--epochs", "3", "--no-calibration"])
    one_out = one.communicate(timeout=900)[0]
    assert one.returncode == 0, one_out[-3000:]
    processes = [start(tmp_path / f"process{i}", id_swapped(i)) for i in range(2)]
    outputs = [p.communicate(timeout=900)[0] for p in processes]
    for process, output in zip(processes, outputs):
        assert process.returncode == 0, output[-3000:]
    assert "data-parallel over 2 devices (batch 4 on each)" in outputs[0]
    assert "process 1 of 2: trained its share of every batch; process 0 writes the preset" in outputs[1]
    alone, joined = history(tmp_path / "alone"), history(tmp_path / "process0")
    assert len(joined) == len(alone) == 3
    for a, b in zip(alone, joined):  # the same batches, each split over two processes
        assert b["loss"] == pytest.approx(a["loss"], rel=0.02)
        assert b["valid_nll_per_step"] == pytest.approx(a["valid_nll_per_step"], rel=0.02)
    assert (tmp_path / "process0" / "home" / "presets" / "jsb-gru-sigmoid.npz").exists()
    assert sorted(p.name for p in (tmp_path / "process1").iterdir()) == []  # no run folder, no preset


@pytest.mark.parametrize("words, env, says", [
    (["--join", "localhost:1234"], "jax", "--join: a run of several processes needs --join, --processes and --process-id together"),
    (["--join", "localhost:1234", "--processes", "2", "--process-id", "0"], "tensorflow",
     "--join needs KERAS_BACKEND=jax"),
    (["--join", "nohost", "--processes", "2", "--process-id", "0"], "jax", "--join: 'nohost' is not HOST:PORT"),
    (["--join", "localhost:1234", "--processes", "2", "--process-id", "2"], "jax",
     "--process-id: 2 is not below --processes 2"),
    (["--join", "localhost:1234", "--processes", "1", "--process-id", "0"], "jax", "--processes"),
])
def test_bad_multi_process_flags_get_one_line_before_any_work(tmp_path, words, env, says):
    result = run_musigan("train", "jsb-gru-sigmoid", *words, "--out", tmp_path / "run",
                         env={**os.environ, "KERAS_BACKEND": env, "MUSIGAN_HOME": str(tmp_path / "home")})
    assert result.returncode == 2 and says in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and not (tmp_path / "run").exists()
