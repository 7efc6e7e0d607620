"""Standard MIDI files <-> NoteSequence, with mido (no music21: this is the fast path)."""
from __future__ import annotations

from collections import defaultdict, deque
from pathlib import Path

import mido
import numpy as np

from .notes import END, PITCH, START, VELOCITY, VOICE, NoteSequence, notes_array

DRUM_CHANNEL = 9
TICKS_PER_BEAT = 480
PLAYER_TRACK = "player"  # a session recording's track of what the player played (the take's "your part")


class UnreadableFile(ValueError):
    """A corpus file that cannot be read; the message is the one-line reason shown to the user."""


def read_midi(path, steps_per_quarter: int = 4, include_drums: bool = False) -> NoteSequence:
    """Read a type 0 or 1 MIDI file, quantising note starts and ends to the step grid.

    Each (track, channel) pair that plays notes becomes a voice. A note-on with velocity 0 is a
    note-off; when a pitch is struck again before it was released, note-offs close the notes in the
    order they started. Channel 10 (drums) is left out unless asked for.
    """
    path = Path(path)
    try:
        midi = mido.MidiFile(path, clip=True)
    except Exception as exc:  # mido raises OSError, EOFError, ValueError, KeyError, IndexError...
        reason = str(exc) or ("the file ends in the middle of a track (truncated)" if isinstance(exc, EOFError)
                              else "no detail given")
        raise UnreadableFile(f"not a readable MIDI file ({type(exc).__name__}: {reason})") from None
    if midi.type == 2:
        raise UnreadableFile("type 2 MIDI (independent sequences) is not supported")
    if midi.ticks_per_beat <= 0:
        raise UnreadableFile("SMPTE time division is not supported")
    scale = steps_per_quarter / midi.ticks_per_beat
    rows, voices, voice_names = [], {}, []
    tempo_bpm, time_signature = None, None
    for track_index, track in enumerate(midi.tracks):
        tick, track_name = 0, ""
        held = defaultdict(deque)
        for msg in track:
            tick += msg.time
            if msg.type == "set_tempo" and tempo_bpm is None:
                tempo_bpm = mido.tempo2bpm(msg.tempo)
            elif msg.type == "time_signature" and time_signature is None:
                time_signature = (msg.numerator, msg.denominator)
            elif msg.type == "track_name":
                track_name = msg.name
            elif msg.type in ("note_on", "note_off"):
                if msg.channel == DRUM_CHANNEL and not include_drums:
                    continue
                key = (msg.channel, msg.note)
                if msg.type == "note_on" and msg.velocity > 0:
                    held[key].append((tick, msg.velocity))
                elif held[key]:
                    rows.append(_note(key, *held[key].popleft(), tick, track_index, voices, voice_names,
                                      track_name))
        for key, starts in held.items():  # notes never released end with their track
            for start_tick, velocity in starts:
                rows.append(_note(key, start_tick, velocity, tick, track_index, voices, voice_names,
                                  track_name))
    notes = notes_array(rows).astype(np.float64)
    if len(notes):
        notes[:, START] = np.round(notes[:, START] * scale)
        notes[:, END] = np.maximum(notes[:, START] + 1, np.round(notes[:, END] * scale))
    return NoteSequence(notes.astype(np.int32), steps_per_quarter=steps_per_quarter,
                        tempo_bpm=round(tempo_bpm or 120.0, 3), time_signature=time_signature or (4, 4),
                        name=path.stem, voice_names=tuple(voice_names))


def read_midi_fast(path, steps_per_quarter: int = 4, include_drums: bool = False) -> NoteSequence:
    """`read_midi` through symusic's C++ parser, tens of times faster, to the same NoteSequence: each
    track symusic gives (a MIDI track's notes of one channel) a voice, drums left out unless asked
    for, starts and ends quantised alike. Raises UnreadableFile where symusic refuses the file."""
    import symusic

    path = Path(path)
    try:
        score = symusic.Score(str(path))
    except Exception as exc:  # symusic raises RuntimeError / ValueError with its parser's reason
        raise UnreadableFile(f"not a readable MIDI file ({type(exc).__name__}: {exc})") from None
    if score.ticks_per_quarter <= 0:
        raise UnreadableFile("SMPTE time division is not supported")
    scale = steps_per_quarter / score.ticks_per_quarter
    parts, voice_names = [], []
    for track in score.tracks:
        notes = track.notes.numpy()
        if (track.is_drum and not include_drums) or not len(notes["time"]):
            continue
        voice = len(voice_names)
        voice_names.append(track.name or f"track {voice}")
        start = np.round(notes["time"] * scale)
        end = np.maximum(start + 1, np.round((notes["time"] + notes["duration"]) * scale))
        parts.append(np.stack([notes["pitch"], start, end, notes["velocity"], np.full(len(start), voice)], axis=1))
    tempo = score.tempos[0].qpm if len(score.tempos) else 120.0
    metre = (score.time_signatures[0].numerator, score.time_signatures[0].denominator) if len(
        score.time_signatures) else (4, 4)
    notes = np.concatenate(parts).astype(np.int32) if parts else notes_array([])
    return NoteSequence(notes, steps_per_quarter=steps_per_quarter, tempo_bpm=round(float(tempo), 3),
                        time_signature=metre, name=path.stem, voice_names=tuple(voice_names))


def _note(key, start_tick, velocity, end_tick, track_index, voices, voice_names, track_name):
    channel, pitch = key
    voice = voices.get((track_index, channel))
    if voice is None:
        voice = voices[(track_index, channel)] = len(voices)
        voice_names.append(track_name or f"track {track_index} ch {channel + 1}")
    return pitch, start_tick, end_tick, velocity, voice


def voice_channel(voice: int) -> int:
    """MIDI channel for a voice: 0..15 in turn, skipping the drum channel."""
    channel = voice % 15
    return channel + 1 if channel >= DRUM_CHANNEL else channel


def write_midi(sequence: NoteSequence, path, track_names: dict[int, str] | None = None,
               channels: dict[int, int] | None = None) -> Path:
    """Write a type 1 file: a conductor track (name, tempo, metre) and one named track per voice, on
    the voice's channel (`channels`, 0-based, or each voice its own in turn).

    This is the layout Ableton and other DAWs import cleanly: each voice lands on its own track.
    """
    path = Path(path)
    ticks = TICKS_PER_BEAT / sequence.steps_per_quarter
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    num, den = sequence.time_signature
    midi.tracks.append(mido.MidiTrack([
        mido.MetaMessage("track_name", name=sequence.name or "musigan", time=0),
        mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(sequence.tempo_bpm), time=0),
        mido.MetaMessage("time_signature", numerator=num, denominator=den, time=0),
    ]))
    names = dict(enumerate(sequence.voice_names)) | (track_names or {})
    for voice in np.unique(sequence.notes[:, VOICE]) if len(sequence) else []:
        notes = sequence.notes[sequence.notes[:, VOICE] == voice]
        channel = (channels or {}).get(int(voice), voice_channel(int(voice)))
        events = []
        for note in notes:
            events.append((round(note[START] * ticks), 1, "note_on", int(note[PITCH]), int(note[VELOCITY])))
            events.append((round(note[END] * ticks), 0, "note_off", int(note[PITCH]), 0))
        events.sort()
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=names.get(int(voice), f"voice {voice}"))])
        last = 0
        for tick, _, kind, pitch, velocity in events:
            track.append(mido.Message(kind, channel=channel, note=pitch, velocity=velocity, time=tick - last))
            last = tick
        midi.tracks.append(track)
    path.parent.mkdir(parents=True, exist_ok=True)
    midi.save(path)
    return path
