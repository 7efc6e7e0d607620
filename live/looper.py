"""Loop and mutate: the companion's last passage, kept as frames, to repeat or to vary.

A passage is a list of frames (the pitches the companion sounds at each grid step of it): in respond
mode the last answer with the call that primed it, in solo the last `loop_bars` bars it played.
Loop on repeats the passage from the next bar, exactly, until loop off; mutate re-samples it as a
variation from the next bar (respond: the same call, a fresh answer of the same length; solo: one
fresh pass of the loop's length, which becomes the loop).
"""
from __future__ import annotations

from collections import deque


class Looper:
    def __init__(self, loop_steps: int):
        self.on = False
        self.mutate_pending = False      # a mutation waits for the next bar
        self.frames: list[set[int]] = []  # the passage
        self.call = None                  # respond: the phrase that primed the passage
        self.recent: deque[set[int]] = deque(maxlen=loop_steps)  # solo: what it played last
        self.start: int | None = None     # solo: the step the loop's current pass began at
        self.resample_left = 0            # solo: steps still to sample afresh (a mutation), each into the loop

    def keep(self, frames: list[set[int]], call=None) -> None:
        """The passage to loop or vary next: an answer (with its call) just sampled."""
        self.frames, self.call = [set(f) for f in frames], call

    def played(self, frame: set[int]) -> None:
        """Solo: a frame it played, the loop's material if loop goes on."""
        self.recent.append(set(frame))

    def set(self, on: bool) -> None:
        self.on, self.start, self.resample_left = on, None, 0

    def ask_mutation(self) -> bool:
        """A mutation from the next bar; False if one already waits."""
        if self.mutate_pending:
            return False
        self.mutate_pending = True
        return True

    def take_mutation(self) -> bool:
        """Respond: whether a mutation waits, which this bar now takes."""
        pending, self.mutate_pending = self.mutate_pending, False
        return pending

    # --- solo ---------------------------------------------------------------------------------
    def solo_index(self, step: int, steps_per_bar: int) -> int | None:
        """Where in the loop this step falls, or None while it does not loop (loop off, or on and
        waiting for the next bar, or nothing played yet). From a bar after a mutate, the next
        `len(frames)` steps are to be sampled afresh (`resampling`) and written over the loop."""
        if not self.on:
            return None
        if self.start is None:
            if step % steps_per_bar or not self.recent:
                return None
            self.start, self.frames = step, list(self.recent)
        if self.mutate_pending and step % steps_per_bar == 0:
            self.mutate_pending, self.resample_left = False, len(self.frames)
        return (step - self.start) % len(self.frames)

    @property
    def resampling(self) -> bool:
        return self.resample_left > 0

    def resampled(self, index: int, frame: set[int]) -> None:
        self.frames[index] = set(frame)
        self.resample_left -= 1
