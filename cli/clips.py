"""Reading a clip from a DAW for `musigan harmonize` and `musigan continue`: one clear line for a clip
that cannot be used (unreadable, no notes, drums only, outside the preset's range), its leading empty
bars trimmed so that its first bar is bar 1, as the clip starts in Live."""
from __future__ import annotations

import numpy as np

from ..models.music_words import pitch_name
from ..models.notes import END, PITCH, START, VOICE, NoteSequence


class ClipError(ValueError):
    """A clip musigan cannot work on; the message is the one line the user sees."""


def read_clip(path, steps_per_quarter: int) -> NoteSequence:
    from ..models.midi_file import UnreadableFile, read_midi

    try:
        clip = read_midi(path, steps_per_quarter)
        drums = read_midi(path, steps_per_quarter, include_drums=True) if not len(clip) else clip
    except UnreadableFile as exc:
        raise ClipError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ClipError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if not len(clip):
        if len(drums):
            raise ClipError(f"{path} is a drum clip (channel 10 only): musigan plays pitched parts")
        raise ClipError(f"{path} has no notes")
    empty_bars = int(clip.notes[:, START].min()) // clip.steps_per_bar
    if empty_bars:
        clip.notes[:, [START, END]] -= empty_bars * clip.steps_per_bar
    return clip


def bars_of(clip: NoteSequence) -> int:
    """Whole bars the clip spans (its last bar counted whole)."""
    return -(-clip.total_steps // clip.steps_per_bar)


def top_line(clip: NoteSequence) -> NoteSequence:
    """The melody of a clip: at each onset its highest note, each cut where the next begins."""
    notes = clip.notes[np.lexsort((-clip.notes[:, PITCH], clip.notes[:, START]))]
    starts, first = np.unique(notes[:, START], return_index=True)
    line = notes[first].copy()
    line[:-1, END] = np.minimum(line[:-1, END], starts[1:])
    line[:, VOICE] = 0
    return NoteSequence(line, steps_per_quarter=clip.steps_per_quarter, tempo_bpm=clip.tempo_bpm,
                        time_signature=clip.time_signature, name=clip.name, voice_names=("melody",))


def check_range(clip: NoteSequence, low: int, high: int, preset: str) -> None:
    pitches = clip.notes[:, PITCH]
    if pitches.min() < low or pitches.max() > high:
        worst = int(pitches.min() if pitches.min() < low else pitches.max())
        raise ClipError(f"{clip.name}: {pitch_name(worst)} is outside what {preset} plays "
                        f"({pitch_name(low)}..{pitch_name(high)}); transpose the clip into that range")


def write_piece(piece: NoteSequence, out, plot: bool, summary: str, channels: dict[int, int] | None = None):
    """Write the MIDI file (to a fallback if the disk fails at the end), say what is in it, and draw
    it beside the file if asked."""
    from ..models.files import save_or_fallback
    from ..models.midi_file import write_midi
    from .plot import draw_piano_roll

    path = save_or_fallback(lambda to: write_midi(piece, to, channels=channels), out, "the MIDI file")
    print(f"wrote {path}: {summary}")
    if plot:
        print(f"wrote {draw_piano_roll(path, beats_per_bar=piece.steps_per_bar // piece.steps_per_quarter)}")
    return path
