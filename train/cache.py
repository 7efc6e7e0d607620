"""Content-hash keyed `.npz` cache of ingested corpora (plain arrays, never pickle).

The key covers every file's bytes and the reader options, so an edited file, a new file or a new
grid is a new key, and re-ingesting an unchanged corpus is a single `np.load`.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from ..models.files import save_npz
from ..models.notes import NoteSequence

CACHE_VERSION = 3  # 2: which reader read how many files; 3: a score's pickup bar padded to a whole bar
SEPARATOR = "\x1f"


def cache_dir() -> Path:
    root = os.environ.get("MUSIGAN_CACHE") or Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "musigan"
    return Path(root) / "corpus"


def cache_key(files, options: dict) -> str:
    digest = hashlib.sha256(json.dumps({"version": CACHE_VERSION, **options}, sort_keys=True).encode())
    for path in files:
        digest.update(str(Path(path).name).encode())
        digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return digest.hexdigest()[:32]


def save(key: str, pieces: list[NoteSequence], splits: list[str], skipped: list[tuple[str, str]],
         readers: dict[str, int]) -> Path:
    path = cache_dir() / f"{key}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    lengths = [len(p) for p in pieces]
    arrays = {
        "notes": np.concatenate([p.notes for p in pieces]) if pieces else np.zeros((0, 5), np.int32),
        "offsets": np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64),
        "steps_per_quarter": np.array([p.steps_per_quarter for p in pieces], np.int32),
        "tempo_bpm": np.array([p.tempo_bpm for p in pieces], np.float64),
        "time_signature": np.array([p.time_signature for p in pieces], np.int32).reshape(-1, 2),
        "names": np.array([p.name for p in pieces], dtype=str),
        "voice_names": np.array([SEPARATOR.join(p.voice_names) for p in pieces], dtype=str),
        "splits": np.array(splits, dtype=str),
        "skipped": np.array(skipped, dtype=str).reshape(-1, 2),
        "readers": np.array(list(readers), dtype=str),
        "reader_files": np.array(list(readers.values()), np.int64),
    }
    save_npz(path, arrays)  # atomic: a killed ingest never leaves a half-written cache entry
    return path


def load(key: str):
    """(pieces, splits, skipped, readers) from the cache, or None when the key is not cached."""
    path = cache_dir() / f"{key}.npz"
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as stored:
        data = {name: stored[name] for name in stored.files}  # each stored[name] reads the array again: once
    notes, offsets = data["notes"], data["offsets"]
    grids, tempos = data["steps_per_quarter"].tolist(), data["tempo_bpm"].tolist()
    metres, names, voices = data["time_signature"].tolist(), data["names"].tolist(), data["voice_names"].tolist()
    pieces = [
        NoteSequence(notes[offsets[i]:offsets[i + 1]], steps_per_quarter=grids[i], tempo_bpm=tempos[i],
                     time_signature=tuple(metres[i]), name=names[i],
                     voice_names=tuple(v for v in voices[i].split(SEPARATOR) if v))
        for i in range(len(offsets) - 1)
    ]
    readers = {str(r): int(n) for r, n in zip(data["readers"], data["reader_files"])}
    return pieces, [str(s) for s in data["splits"]], [(str(a), str(b)) for a, b in data["skipped"]], readers
