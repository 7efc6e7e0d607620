"""Session recording: the player and the companion on separate tracks of one MIDI file (the companion's
voices each on its own track when they play on their own channels)."""
from __future__ import annotations

from pathlib import Path

import mido

from ..models.midi_file import PLAYER_TRACK, TICKS_PER_BEAT


class Recorder:
    def __init__(self, path, steps_per_quarter: int, bpm: float, name: str = "musigan session",
                 metre: tuple[int, int] = (4, 4)):
        self.path, self.steps_per_quarter, self.bpm, self.name = Path(path), steps_per_quarter, bpm, name
        self.metre = metre
        self.events: dict[str, list[tuple[float, int, mido.Message]]] = {PLAYER_TRACK: [], "musigan": []}

    def record(self, track: str, message: mido.Message, position: float) -> None:
        """Keep a message at its grid position (steps); note-offs sort before note-ons at a tie."""
        order = 0 if message.type == "note_off" or getattr(message, "velocity", 1) == 0 else 1
        self.events.setdefault(track, []).append((position, order, message.copy(time=0)))

    def notes(self, track: str = PLAYER_TRACK) -> list[tuple[int, float, float]]:
        """(pitch, start, end) of a track's notes, in grid steps (a note still held ends at the last event)."""
        held, notes = {}, []
        events = sorted(self.events.get(track, []), key=lambda e: (e[0], e[1]))
        for position, _, message in events:
            if message.type == "note_on" and message.velocity > 0:
                held.setdefault((getattr(message, "channel", 0), message.note), position)
            elif message.type in ("note_on", "note_off"):
                start = held.pop((message.channel, message.note), None)
                if start is not None:
                    notes.append((message.note, start, position))
        last = events[-1][0] if events else 0.0
        return sorted(notes + [(pitch, start, last) for (_, pitch), start in held.items()], key=lambda n: n[1])

    def save(self, path=None) -> Path:
        """Write the session to `path` (default: where it was asked for)."""
        path = Path(path or self.path)
        ticks_per_step = TICKS_PER_BEAT / self.steps_per_quarter
        midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
        midi.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name=self.name),
                                           mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(self.bpm)),
                                           mido.MetaMessage("time_signature", numerator=self.metre[0],
                                                            denominator=self.metre[1])]))
        for track, events in self.events.items():  # player and musigan always, then any channel tracks
            messages = mido.MidiTrack([mido.MetaMessage("track_name", name=track)])
            last = 0
            for position, _, message in sorted(events, key=lambda e: (e[0], e[1])):
                tick = max(last, round(position * ticks_per_step))
                messages.append(message.copy(time=tick - last))
                last = tick
            midi.tracks.append(messages)
        path.parent.mkdir(parents=True, exist_ok=True)
        midi.save(path)
        return path
