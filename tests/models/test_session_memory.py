"""The session memory: it learns a motif as intervals (so a motif a fourth higher still counts), it
changes nothing at amount 0, and a clip's continuation borrows from the clip."""
import numpy as np
import pytest
from musigan.models.encodings.events import EventsEncoding, NOTE_OFF, STEP
from musigan.models.encodings.frames import FramesEncoding
from musigan.models.session_memory import SessionMemory

MOTIF = [60, 62, 64, 60]  # C D E C, one note a step


def play(memory, pitches) -> None:
    for pitch in pitches:
        memory.observe(pitch)
        memory.observe(STEP)
        memory.observe(NOTE_OFF + pitch)


def test_a_motif_heard_in_c_is_expected_a_fourth_higher():
    memory = SessionMemory(EventsEncoding())
    for _ in range(3):
        play(memory, MOTIF)
    play(memory, [65, 67])          # F G: the motif begun a fourth higher
    chances = memory.predict()
    assert int(np.argmax(chances[:NOTE_OFF])) == 69  # A: the third note of the motif, a fourth higher
    assert chances[69] > 0.5 and chances[64] < 0.05


def test_at_amount_zero_or_before_it_has_heard_anything_the_preset_plays_alone():
    encoding = EventsEncoding()
    logits = np.random.default_rng(0).normal(size=encoding.vocab_size)
    memory = SessionMemory(encoding)
    assert memory.mix(logits, 0.5) is logits and memory.predict() is None
    play(memory, MOTIF)
    assert memory.mix(logits, 0.0) is logits
    mixed = memory.mix(logits, 0.5)
    assert np.exp(mixed).sum() == pytest.approx(1.0) and not np.allclose(mixed, logits - np.log(np.exp(logits).sum()))


def test_a_progression_is_remembered_under_its_melody_a_fourth_higher():
    """Frames: each voice is heard as its distance below the step's melody note, and the melody as
    its step from the last: C5 then D5 over their chords, then F5 then G5, which find D5's chord."""
    encoding = FramesEncoding(36, 84)
    memory = SessionMemory(encoding)

    def step(*pitches):
        for pitch in pitches:
            memory.observe(pitch - 36)
        memory.observe(encoding.step_token)

    for _ in range(2):
        step(72, 67, 64, 48)   # C5 over G4 E4 C3
        step(74, 71, 67, 43)   # D5 over B4 G4 G2
    step(77, 72, 69, 53)       # F5 over C5 A4 F3: the first chord a fourth higher
    memory.observe(79 - 36)    # G5
    chances = memory.predict()
    assert int(np.argmax(chances)) == 76 - 36   # E5: G5's first voice, as B4 was under D5


def patterns(sequence):
    """Two successive melodic intervals, at each note of a one-line tune."""
    pitches = [int(p) for _, p in sorted({int(s): int(p) for p, s in sequence.notes[:, :2]}.items())]
    return [(b - a, c - b) for a, b, c in zip(pitches, pitches[1:], pitches[2:])]


@pytest.mark.slow  # parses O'Neill's collection (a minute on a fresh cache)
def test_a_continuation_with_memory_develops_the_clip_more_than_one_without():
    """Held-out O'Neill tunes (folk-lstm's test split): bars 1-4 as the clip, 4 bars continued. With
    the memory, more of the continuation's interval patterns are the clip's (bench/memory.py: 0.24
    without, 0.62 with, over 40 tunes; the tunes' own bars 5-8: 0.71)."""
    from musigan.models.generation import generate_piece
    from musigan.models.notes import VOICE, NoteSequence
    from musigan.models.presets import get_preset
    from musigan.train.corpus import load_corpus

    preset = get_preset("folk-lstm")
    tunes = [t for t in load_corpus("corpus:oneills1850", progress=False).split("test")
             if t.total_steps >= 8 * t.steps_per_bar][:6]
    reuse = {}
    for amount in (0.0, 0.3):
        shares = []
        for index, tune in enumerate(tunes):
            clip = tune.slice_steps(0, 4 * tune.steps_per_bar)
            piece = generate_piece(preset, 4, clip, index, primer_steps=4 * tune.steps_per_bar,
                                   steps_per_bar=tune.steps_per_bar, memory=amount)
            played = patterns(NoteSequence(piece.notes[piece.notes[:, VOICE] == 1], steps_per_quarter=4))
            known = set(patterns(clip))
            shares.append(sum(p in known for p in played) / max(len(played), 1))
        reuse[amount] = float(np.mean(shares))
    assert reuse[0.3] > reuse[0.0] + 0.15, reuse
