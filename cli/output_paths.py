"""Every path a command will write is checked before any work starts: a typo in `--record` costs one
line, not a session (`models.files.save_or_fallback` covers a disk that fails at the end)."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def output_problem(flag: str, path, folder: bool = False) -> str | None:
    """Why `path` cannot be written (a file, or a folder with `folder`), naming the flag; None if it can.
    Missing folders on the way are fine (they are made), a file in their place is not."""
    path = Path(path)
    if not folder and path.is_dir():
        return f"{flag} {path} is a folder; name a file in it"
    if folder and path.exists() and not path.is_dir():
        return f"{flag} {path} is a file, not a folder"
    existing = path if folder and path.is_dir() else path.parent
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        return f"{flag} {path}: {existing} is a file, not a folder"
    try:
        handle, probe = tempfile.mkstemp(dir=existing, prefix=".musigan-probe-")
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        return f"{flag} {path}: cannot write in {existing} ({exc.strerror or exc})"
    return None


def first_problem(checks) -> str | None:
    """The first of (flag, path, folder) that cannot be written; unset flags (path None) are skipped."""
    for flag, path, folder in checks:
        if path is not None and (problem := output_problem(flag, path, folder)):
            return problem
    return None
