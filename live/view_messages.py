"""What the live view's page and server say to each other (`live/view_server.py` serves them): what a
page is told (`hello` once, `state` ten times a second, the plan), and what a page may ask, checked
before anything reaches the session (`parse_request`).
"""
from __future__ import annotations

import json
import time

from ..models.music_words import PITCH_CLASSES
from ..models.tonality import KEYS
from .controls import CONTROLS
from .knobs import KNOBS, MOMENTARY, label, positions
from .performance import voice_rank

MAX_MESSAGE = 1024       # bytes a page's message may have; longer ones get an error frame


def hello(engine, presets: tuple[str, ...]) -> dict:
    """What a page is told once: the presets it may pick, the grid, the controls."""
    companion = engine.companion
    return {"type": "hello", "presets": list(presets), "steps_per_quarter": companion.steps_per_quarter,
            "steps_per_beat": companion.metre.steps_per_beat(companion.steps_per_quarter),
            "steps_per_bar": engine.steps_per_bar,
            "controls": {name: {"what": CONTROLS[name][1], "button": name in MOMENTARY} for name in KNOBS}}


def state(engine, clock) -> dict:
    """Where the session stands: the playhead, the tempo, the key, the chord it plays (accompany), every
    knob in numbers and words."""
    position = clock.position(time.perf_counter()) if clock.running else engine.position
    bpm = getattr(clock, "bpm", None)
    stands = positions(engine, bpm if engine.on_tempo is not None else None)
    belief = engine.key_tracker.belief   # None until a few notes name a key
    best = int(belief.chances.argmax()) if belief is not None else 0
    tonic, mode = KEYS[best]
    return {"type": "state", "position": round(float(position), 3), "running": bool(clock.running),
            "bpm": round(bpm, 1) if bpm else None, "mode": engine.settings.mode,
            "preset": engine.companion.name, "heard": engine.notes_in, "played": engine.tracker.sent_on,
            "key": f"{PITCH_CLASSES[tonic]} {mode}" if belief is not None else None,
            "key_confidence": round(float(belief.chances[best]), 2) if belief is not None else None,
            "temperature": engine.companion.temperature, "knobs": stands, "labels": words(engine, stands, bpm),
            "where": engine.where(position), "chord": engine.companion.chord_name}


def words(engine, stands: dict[str, int], bpm: float | None) -> dict[str, str]:
    """Each knob in a player's words: the session's own value where the knob's steps would round it."""
    companion = engine.companion
    exact = {"temperature": f"{companion.temperature:g}", "memory": f"{companion.memory_amount:g}",
             "density": f"x{companion.density_scale:g}"} | ({"tempo": f"{bpm:g} bpm"} if "tempo" in stands else {})
    return {name: label(name, value) for name, value in stands.items() if name not in exact} | exact


def parse_request(raw, presets: tuple[str, ...]) -> tuple | str:
    """("knob", name, value) or ("program", n) from a page's message, or what is wrong with it."""
    if isinstance(raw, bytes):
        return "send text frames of JSON, not binary"
    if len(raw.encode()) > MAX_MESSAGE:
        return f"message too long ({len(raw.encode())} bytes; at most {MAX_MESSAGE})"
    try:
        message = json.loads(raw)
    except ValueError:
        return "not JSON"
    if not isinstance(message, dict):
        return "expected a JSON object"
    kind, value = message.get("type"), message.get("value")
    if isinstance(value, bool) or not isinstance(value, int):
        return f"value must be a whole number, got {value!r}"
    if kind == "knob":
        name = message.get("name")
        if name not in KNOBS:
            return f"unknown control {name!r}; known: {', '.join(KNOBS)}"
        if not 0 <= value <= 127:
            return f"{name} must be 0..127, got {value}"
        return ("knob", name, value)
    if kind == "program":
        if not 0 <= value < len(presets):
            return f"program must be 0..{len(presets) - 1}, got {value}"
        return ("program", value)
    return f"unknown message type {kind!r}; known: knob, program"


def plan_message(begin: int | None, frames) -> dict:
    """The plan as notes (pitch, start, end, voice): each pitch's runs of consecutive frames."""
    notes, started = [], {}
    for offset, frame in enumerate(list(frames) + [frozenset()]):
        for pitch in [p for p in started if p not in frame]:
            notes.append([pitch, begin + started.pop(pitch), begin + offset, voice_rank(pitch, frames[offset - 1])])
        for pitch in frame:
            started.setdefault(pitch, offset)
    return {"type": "plan", "begin": begin, "notes": notes}
