"""Strategies and builders shared by the test suites."""
from hypothesis import strategies as st

from musigan.models.notes import NoteSequence, notes_array


@st.composite
def note_sequences(draw, max_notes=40, low=21, high=108, max_step=64, voices=4):
    rows = draw(st.lists(st.tuples(st.integers(low, high), st.integers(0, max_step), st.integers(1, 16),
                                   st.integers(1, 127), st.integers(0, voices - 1)), max_size=max_notes))
    return NoteSequence(notes_array((p, s, s + d, v, voice) for p, s, d, v, voice in rows), steps_per_quarter=4)
