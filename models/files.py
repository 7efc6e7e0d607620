"""Files musigan writes and reads: atomically (a kill never leaves half a file), arrays without pickle."""
from __future__ import annotations

import json
import os
import sys
import tempfile
import time
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


def save_or_fallback(save, path, what: str) -> Path:
    """`save(path)`; if that fails at the end (a full disk, a folder removed meanwhile), `save` again into
    the current folder, else the temp folder, and say where on stderr. Returns where it went."""
    path = Path(path)
    try:
        save(path)
        return path
    except OSError as exc:
        reason = exc.strerror or str(exc)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for folder in (Path.cwd(), Path(tempfile.gettempdir())):
        fallback = folder / f"{path.stem}-{stamp}{path.suffix}"
        try:
            save(fallback)
        except OSError:
            continue
        print(f"musigan: could not write {what} to {path} ({reason}); saved it to {fallback}", file=sys.stderr,
              flush=True)
        return fallback
    raise OSError(f"could not write {what} to {path} ({reason}), nor to the current or temp folder")
