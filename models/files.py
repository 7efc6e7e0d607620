"""Files musigan writes and reads: atomically (a kill never leaves half a file), arrays without pickle."""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np


def atomic_write(path: Path, write) -> None:
    """`write(tmp_path)` then rename over `path`."""
    path = Path(path)
    tmp = path.with_name(f"tmp-{path.name}")
    write(tmp)
    os.replace(tmp, path)


def save_npz(path: Path, arrays: dict) -> None:
    atomic_write(path, lambda tmp: np.savez(tmp, **arrays))


def save_json(path: Path, data: dict) -> None:
    atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, sort_keys=True)))


def load_npz(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
