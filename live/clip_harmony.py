"""A melody clip harmonized offline by the same engine that harmonizes a keyboard live: its notes
are played into `Engine` on the simulated clock, as a player would, and what the companion plays
comes back as one voice per part (`musigan harmonize`): voices under each note with a chorale
preset, chords and a bass on the beat with a preset that plays chords (accompany mode)."""
from __future__ import annotations

import mido
import numpy as np

from ..models.notes import END, PITCH, START, VELOCITY, VOICE, NoteSequence, notes_array
from ..models.metre import Metre
from .engine import Engine
from .settings import LiveSettings
from .simulation import MemoryOutput, SimulatedClock, drive

# Each note is struck a moment after its start and let go a moment before its end, as a player does:
# the engine hears a release just before the next note as legato, not as a rest.
STRIKE, LET_GO = 0.05, 0.1


def melody_events(melody: NoteSequence) -> list[tuple[float, mido.Message]]:
    events = []
    for note in melody.notes:
        events.append((note[START] + STRIKE, mido.Message("note_on", note=int(note[PITCH]),
                                                          velocity=int(note[VELOCITY]) or 80)))
        events.append((note[END] - LET_GO, mido.Message("note_off", note=int(note[PITCH]))))
    return events


def harmonize_clip(companion, melody: NoteSequence, voices: int, key_pull: float) -> NoteSequence:
    """The melody (voice 0) and `voices` parts under it (voices 1..N, top down), on its own grid,
    tempo and metre."""
    settings = LiveSettings(mode="harmonize", voices=voices, key_pull=key_pull,
                            voice_channels=tuple(range(1, voices + 1)), velocity=None)
    return play_clip(companion, melody, settings, ("melody", *(f"voice {v}" for v in range(1, voices + 1))),
                     "harmonized")


def accompany_clip(companion, melody: NoteSequence, comping: str, key_pull: float) -> NoteSequence:
    """The melody (voice 0), the chords played under it on the beat (voice 1) and their bass (voice 2)."""
    companion.set_metre(Metre(*melody.time_signature))  # a jig's chords on its two beats a bar
    settings = LiveSettings(mode="accompany", comping=comping, key_pull=key_pull, channel_out=1, bass_channel=2,
                            velocity=None)
    return play_clip(companion, melody, settings, ("melody", "chords", "bass"), "accompanied")


def play_clip(companion, melody: NoteSequence, settings: LiveSettings, voice_names: tuple, done: str) -> NoteSequence:
    """The melody played into the engine in `settings.mode`, and what the companion played back, each
    channel its own voice (the melody voice 0)."""
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, settings)
    drive(engine, clock, melody_events(melody), melody.total_steps + 1)
    engine.close()
    rows, sounding = [], {}
    for position, message in output.sent:
        if message.type not in ("note_on", "note_off"):
            continue
        key = (message.channel, message.note)
        if message.type == "note_on" and message.velocity > 0:
            sounding[key] = (position, message.velocity)
        elif key in sounding:
            start, velocity = sounding.pop(key)
            start, end = round(start), max(round(start) + 1, round(position))
            rows.append((message.note, start, end, velocity, message.channel))
    parts = notes_array(rows)
    tune = melody.notes.copy()
    tune[:, VOICE] = 0
    notes = np.concatenate([tune, parts]) if len(parts) else tune
    notes[:, END] = np.maximum(notes[:, END], notes[:, START] + 1)
    return NoteSequence(notes, steps_per_quarter=melody.steps_per_quarter, tempo_bpm=melody.tempo_bpm,
                        time_signature=melody.time_signature, name=f"{melody.name} {done}", voice_names=voice_names)
