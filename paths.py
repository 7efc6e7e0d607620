"""Where musigan's own files live: what ships inside the package, and the user's writable folders.

Shipped files (presets, the JSB data) are read from the installed package and never written: a
wheel installs them into site-packages. Anything a user makes goes under `MUSIGAN_HOME`.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parent
SHIPPED_PRESETS = PACKAGE_ROOT / "presets" / "presets.yaml"
BUNDLED_DATA = PACKAGE_ROOT / "data"


def musigan_home() -> Path:
    """`MUSIGAN_HOME`, else `$XDG_DATA_HOME/musigan` (`~/.local/share/musigan`)."""
    if os.environ.get("MUSIGAN_HOME"):
        return Path(os.environ["MUSIGAN_HOME"])
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "musigan"


def user_presets_dir() -> Path:
    """Where `musigan train` writes the weights of a shipped preset; what is here shadows the shipped files."""
    return musigan_home() / "presets"


def user_sessions_dir() -> Path:
    """Where `musigan play` keeps every take (beside the presets folder)."""
    return musigan_home() / "sessions"


def bundled_jsb(name: str) -> Path | None:
    """The shipped JSB file called `name` (`jsb-chorales-quarter`), or None if there is none."""
    path = BUNDLED_DATA / "jsb" / f"{name}.json.gz"
    return path if "/" not in name and path.is_file() else None


def bundled_jsb_names() -> list[str]:
    return sorted(p.name.removesuffix(".json.gz") for p in (BUNDLED_DATA / "jsb").glob("*.json.gz"))
