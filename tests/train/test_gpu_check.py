"""The GPU check runs end to end on a CPU with --tiny: the same steps a GPU machine will run."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.slow
def test_the_gpu_check_trains_measures_and_evaluates_both_presets_under_jax(tmp_path):
    pytest.importorskip("jax")
    out = tmp_path / "gpu.md"
    result = subprocess.run([sys.executable, BENCH / "gpu_check.py", "--tiny", "--out", out], cwd=BENCH,
                            capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-2000:]
    table = out.read_text()
    assert re.search(r"Keras on JAX [\d.]+k", table), table
    for name in ("jsb-gru-sigmoid", "bach-chorales-gru"):
        row = next(line for line in table.splitlines() if line.startswith(f"| {name} |"))
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert int(cells[1]) >= 1 and float(cells[3]) > 0 and cells[5].startswith("jax"), row
