"""What respond and solo mode do at each grid step (harmonize answers on the note itself, in
`Engine`): when a call has ended and how it is answered, looped or mutated; how a solo plays on."""
from __future__ import annotations

import math

from ..models.music_words import pitch_names
from ..models.notes import PITCH, NoteSequence
from .answers import call_sequence, onsets
from .performance import voice_rank


def respond(engine, step: int) -> None:
    """Answer a call that has ended (or, past --max-listen, one that has not); on the bar, play
    the loop again or a mutation of the last answer."""
    if not engine.schedule:
        engine.cutting_in = False
    on_bar = step % engine.steps_per_bar == 0
    if on_bar and engine.looper.mutate_pending and engine.looper.call is not None:
        engine.looper.mutate_pending = False
        engine.release_all()
        variation = sample_answer(engine, engine.looper.call, len(engine.looper.frames))
        engine.looper.keep(variation, engine.looper.call)  # loop on, the variation is what repeats
        engine.schedule.add_frames(step, variation)
        return
    if on_bar and engine.looper.on and engine.looper.frames and not engine.schedule and not engine.keys:
        engine.schedule.add_frames(step, engine.looper.frames)
        return
    begun = [start for _, start, _, _ in engine.phrase] + [start for start, _ in engine.keys.values()]
    if not begun or engine.answering:
        return
    gap = engine.settings.phrase_gap_beats * engine.companion.steps_per_quarter
    ended = engine.phrase and not engine.keys and not engine.sustain and step - engine.last_release >= gap
    if ended and engine.last_release - min(begun) >= engine.settings.min_listen_bars * engine.steps_per_bar:
        answer(engine, step)
    elif (bars := engine.settings.max_listen_bars) and step - min(begun) >= bars * engine.steps_per_bar:
        engine.phrase += [(pitch, start, step, v) for pitch, (start, v) in engine.keys.items()]
        engine.keys = {pitch: (float(step), v) for pitch, (_, v) in engine.keys.items()}
        engine.cutting_in = True
        answer(engine, step)


def answer(engine, step: int) -> None:
    """Answer the call at once, on the grid: the silence that ended it already took its time."""
    phrase = call_sequence(engine.phrase, engine.companion.steps_per_quarter)
    engine.phrase.clear()
    per_beat = engine.companion.steps_per_quarter
    bars = engine.settings.answer_bars
    length = bars * engine.steps_per_bar if bars else math.ceil(phrase.total_steps / per_beat) * per_beat
    frames = sample_answer(engine, phrase, length)
    engine.looper.keep(frames, phrase)
    engine.schedule.add_frames(step, frames)
    notes = onsets(frames)
    engine.log(f"heard {len(phrase)} notes {pitch_names(phrase.notes[:, PITCH])}; answering {len(notes)} notes "
               f"{pitch_names(notes)} from {engine.where(step)}")


def sample_answer(engine, call: NoteSequence, length: int) -> list[set[int]]:
    engine.companion.listen(call)
    return [engine.companion.step() for _ in range(length)]


def solo(engine, step: int) -> None:
    heard = set(engine.keys) | engine.struck
    if engine.position < engine.count_in_steps:  # counting in: it listens, and starts with the first bar after
        engine.companion.step(heard, sample=False)
        return
    index = engine.looper.solo_index(step, engine.steps_per_bar)
    if index is None or engine.looper.resampling:
        frame = engine.companion.step(heard)
        if index is not None:
            engine.looper.resampled(index, frame)
    else:  # looping: it plays the loop and goes on listening to it and to the player
        frame = set(engine.looper.frames[index])
        engine.companion.step(heard | frame, sample=False)
    if index == 0:  # each pass strikes its notes afresh: a note held over the loop's seam is no drone
        for pitch in sorted(engine.solo_notes):
            engine.stop_note(pitch)
        engine.solo_notes = set()
    engine.looper.played(frame)
    for pitch in sorted(engine.solo_notes - frame):
        engine.stop_note(pitch)
    for pitch in sorted(frame - engine.solo_notes):
        engine.play_note(pitch, voice=voice_rank(pitch, frame))
    engine.solo_notes = frame
