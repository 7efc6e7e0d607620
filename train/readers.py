"""Corpus file readers: every format becomes NoteSequences (MIDI through symusic, mido where symusic
refuses a file mido can repair; scores through music21, `models/score_file.py`; the JSB JSON split)."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np

from ..models.midi_file import UnreadableFile, read_midi, read_midi_fast
from ..models.notes import DEFAULT_VELOCITY, NoteSequence, notes_array
from ..models.preset_schema import SPLITS
from ..models.score_file import read_score

MIDI_SUFFIXES = {".mid", ".midi", ".smf"}
SCORE_SUFFIXES = {".xml", ".musicxml", ".mxl", ".krn", ".abc"}
SUFFIXES = MIDI_SUFFIXES | SCORE_SUFFIXES


def read_file(path, steps_per_quarter: int = 4, include_drums: bool = False) -> list[NoteSequence]:
    """All pieces in one file (an ABC or Humdrum file may hold many). Raises UnreadableFile."""
    return read_file_by(path, steps_per_quarter, include_drums)[0]


def read_file_by(path, steps_per_quarter: int = 4, include_drums: bool = False) -> tuple[list[NoteSequence], str]:
    """`read_file`, and which reader read it: symusic for MIDI (C++, fast), mido where symusic refuses
    a file that mido reads with repair (data bytes over 127 clipped), music21 for scores."""
    path = Path(path)
    if path.stat().st_size == 0:
        raise UnreadableFile("empty file (0 bytes)")
    suffix = path.suffix.lower()
    if suffix in MIDI_SUFFIXES:
        try:
            pieces, reader = [read_midi_fast(path, steps_per_quarter, include_drums)], "symusic"
        except UnreadableFile:
            pieces, reader = [read_midi(path, steps_per_quarter, include_drums)], "mido"
    elif suffix in SCORE_SUFFIXES:
        pieces, reader = read_score(path, steps_per_quarter), "music21"
    else:
        raise UnreadableFile(f"unknown file type {suffix!r} (expected one of {', '.join(sorted(SUFFIXES))})")
    pieces = [p for p in pieces if len(p)]
    if not pieces:
        raise UnreadableFile("no notes in file")
    return pieces, reader


def jsb_grid(path: Path) -> int:
    """Steps per quarter note of a JSB JSON file, guessed from its published name."""
    name = path.name.lower()
    for marker, steps in (("quarter", 1), ("16th", 4), ("8th", 2)):
        if marker in name:
            return steps
    raise UnreadableFile("cannot tell the grid from the name (expected 'quarter', '8th' or '16th' in it)")


def read_jsb(path, steps_per_quarter: int) -> dict[str, list[NoteSequence]]:
    """The JSB Chorales JSON split: {"train"|"valid"|"test": [piece, ...]}, a piece a list of steps,
    on a grid of `steps_per_quarter`; `.gz` files are read compressed.

    A step lists the pitches sounding; in the SATB file it lists exactly four, -1 for a silent voice,
    and each position becomes its own voice. Consecutive equal pitches become one held note.
    """
    path = Path(path)
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        data = json.loads(raw)
    except (OSError, ValueError, EOFError) as exc:
        raise UnreadableFile(f"not a JSB JSON file ({type(exc).__name__}: {exc})") from None
    if not isinstance(data, dict) or not set(data) & set(SPLITS):
        raise UnreadableFile("not a JSB JSON file (expected keys train, valid, test)")
    satb = "satb" in path.name.lower()
    splits = {}
    for split in SPLITS:
        splits[split] = [jsb_piece(steps, steps_per_quarter, satb, f"{split}-{i:03d}")
                         for i, steps in enumerate(data.get(split, []))]
    return splits


def jsb_piece(steps, steps_per_quarter: int, satb: bool, name: str) -> NoteSequence:
    width = 4 if satb else 128
    roll = np.zeros((len(steps) + 1, width), dtype=np.int16)  # satb: pitch+1 per voice; else multi-hot
    for t, pitches in enumerate(steps):
        for voice, pitch in enumerate(pitches):
            if satb:
                roll[t, voice] = int(pitch) + 1
            else:
                roll[t, int(pitch)] = 1
    rows = []
    for column in range(width):
        values = roll[:, column]
        changes = np.flatnonzero(np.diff(np.concatenate([[0], values])) != 0)
        for start, end in zip(changes[:-1], changes[1:]):
            if values[start]:
                pitch, voice = (values[start] - 1, column) if satb else (column, 0)
                rows.append((pitch, start, end, DEFAULT_VELOCITY, voice))
    names = ("soprano", "alto", "tenor", "bass") if satb else ("chorale",)
    return NoteSequence(notes_array(rows), steps_per_quarter=steps_per_quarter, tempo_bpm=100.0,
                        name=name, voice_names=names)
