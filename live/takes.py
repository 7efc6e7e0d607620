"""Every take kept, as Ableton's Capture MIDI keeps what a player played: each session's recording in
the user's sessions folder (`paths.py: user_sessions_dir`), with a small card beside it (date, length,
preset, mode, your notes and its notes, the key you played in) that `musigan sessions` lists and
`musigan train NAME --from PRESET` learns from (your part only)."""
from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import numpy as np

from ..models.files import save_json
from ..models.midi_file import PLAYER_TRACK
from ..models.music_words import PITCH_CLASSES
from ..models.notes import NoteSequence, notes_array
from ..models.tonality import estimate_key
from ..paths import user_sessions_dir


def new_take_path(preset: str, mode: str, folder: Path | None = None) -> Path:
    """A fresh file name in the sessions folder: the time it began, the preset and the mode."""
    folder = folder or user_sessions_dir()
    stamp = datetime.now().strftime("%Y-%m-%d_%H-%M-%S")
    path = folder / f"{stamp}_{preset}_{mode}.mid"
    count = 1
    while path.exists():
        count += 1
        path = folder / f"{stamp}_{preset}_{mode}-{count}.mid"
    return path


def key_name(notes) -> str:
    """The key the notes are in, in words (C major, F# minor); '-' for too few notes to say."""
    if len(notes) < 4:
        return "-"
    rows = [(pitch, round(start), max(round(start) + 1, round(end)), 80, 0) for pitch, start, end in notes]
    tonic, mode = estimate_key(NoteSequence(notes_array(rows), steps_per_quarter=4))
    return f"{PITCH_CLASSES[tonic]} {mode}"


def write_card(recorder, path: Path, preset: str, mode: str, started: float, played: int) -> dict:
    """The take's card, beside it (`take.json`)."""
    mine = recorder.notes(PLAYER_TRACK)
    steps_per_bar = recorder.steps_per_quarter * 4 * recorder.metre[0] / recorder.metre[1]
    last = max([end for _, _, end in mine] + [0.0])
    card = {"date": datetime.fromtimestamp(started).isoformat(timespec="seconds"), "preset": preset, "mode": mode,
            "seconds": round(time.time() - started, 1), "bars": int(np.ceil(last / steps_per_bar)),
            "your_notes": len(mine), "its_notes": played, "key": key_name(mine), "file": path.name}
    save_json(path.with_suffix(".json"), card)
    return card


def list_takes(folder: Path | None = None) -> list[dict]:
    """The kept takes' cards, newest first (a take whose card is unreadable is listed by its file)."""
    folder = folder or user_sessions_dir()
    takes = []
    for midi in folder.glob("*.mid") if folder.is_dir() else ():
        try:
            card = json.loads(midi.with_suffix(".json").read_text())
        except (OSError, ValueError):
            card = {"date": datetime.fromtimestamp(midi.stat().st_mtime).isoformat(timespec="seconds"),
                    "file": midi.name}
        card["path"] = str(midi)
        takes.append(card)
    return sorted(takes, key=lambda card: card.get("date", ""), reverse=True)
