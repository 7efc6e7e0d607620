"""Scores (MusicXML, .mxl, Humdrum, ABC) read through music21 into NoteSequences: the corpus readers
use it, and so does the demo, which plays a chorale from music21's corpus."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

from .midi_file import UnreadableFile
from .encodings.leadsheet import CHORD_VOICE
from .notes import DEFAULT_VELOCITY, NoteSequence, notes_array


def read_score(path: Path, steps_per_quarter: int) -> list[NoteSequence]:
    """MusicXML, .mxl, Humdrum or ABC through music21; each part becomes a voice, ties are joined."""
    from music21 import converter, stream

    try:
        # forceSource/storePickle: music21 would otherwise cache parsed scores as pickles.
        parsed = converter.parse(path, forceSource=True, storePickle=False)
    except Exception as exc:  # music21 raises many unrelated types for bad input
        reason = str(exc).splitlines()[0] if str(exc) else ""
        raise UnreadableFile(f"music21 cannot parse it ({type(exc).__name__}: {reason[:160]})") from None
    scores = list(parsed.scores) if isinstance(parsed, stream.Opus) else [parsed]
    pieces = []
    for index, score in enumerate(scores):
        name = path.stem if len(scores) == 1 else f"{path.stem}#{index + 1}"
        pieces.append(score_to_sequence(score, steps_per_quarter, name))
    return pieces


def score_to_sequence(score, steps_per_quarter: int, name: str) -> NoteSequence:
    from music21 import harmony, meter, tempo

    parts = list(score.parts) or [score]
    lead = pickup_padding(parts[0])
    rows, voice_names, symbols = [], [], []
    for voice, part in enumerate(parts):
        voice_names.append(part.partName or f"part {voice + 1}")
        for element in part.stripTies().flatten().notes:
            offset = float(element.offset) + lead
            if isinstance(element, harmony.Harmony):  # a chord symbol: the lead sheet's chord, not a note
                symbols.append((round(offset * steps_per_quarter),
                                [] if isinstance(element, harmony.NoChord) else [p.midi for p in element.pitches]))
                continue
            start = round(offset * steps_per_quarter)
            end = max(start + 1, round((offset + float(element.quarterLength)) * steps_per_quarter))
            velocity = element.volume.velocity or DEFAULT_VELOCITY
            for pitch in element.pitches:
                if 0 <= pitch.midi <= 127 and element.quarterLength > 0:
                    rows.append((pitch.midi, start, end, velocity, voice))
    if symbols:
        rows += chord_symbol_rows(sorted(symbols), max((end for _, _, end, _, _ in rows), default=0), len(parts))
        voice_names.append(CHORD_VOICE)
    flat = score.flatten()
    marks = flat.getElementsByClass(tempo.MetronomeMark)
    # the metre most of its signatures give: music21 reads a few ABC pickups as a bar of 1/16 of their own
    signatures = Counter((s.numerator, s.denominator) for s in flat.getElementsByClass(meter.TimeSignature))
    bpm = marks.first().getQuarterBPM() if marks.first() is not None else 100.0
    return NoteSequence(notes_array(rows), steps_per_quarter=steps_per_quarter, tempo_bpm=float(bpm or 100.0),
                        time_signature=signatures.most_common(1)[0][0] if signatures else (4, 4),
                        name=name, voice_names=tuple(voice_names))


def pickup_padding(part) -> float:
    """The quarters missing from a pickup bar (an anacrusis): the piece is moved on by that much, so its
    bar lines fall where the grid counts them (whole bars from step 0) and its beats on the grid's
    beats. Most dance tunes start with one (93 of O'Neill's nos. 101-200)."""
    measures = part.getElementsByClass("Measure")
    first = measures.first() if measures else None
    if first is None or not first.paddingLeft:
        return 0.0
    padding = float(first.paddingLeft)
    return padding if 0 < padding < float(first.barDuration.quarterLength) else 0.0


def chord_symbol_rows(symbols, end: int, voice: int) -> list[tuple]:
    """Each chord symbol's notes, sounding from it to the next symbol (or the piece's end), in `voice`."""
    rows = []
    for (start, pitches), (until, _) in zip(symbols, [*symbols[1:], (end, [])]):
        rows += [(pitch, start, until, DEFAULT_VELOCITY, voice) for pitch in pitches if until > start and 0 <= pitch <= 127]
    return rows
