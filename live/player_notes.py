"""What the player is doing, as the engine hears it: the keys held down, the phrase so far, the
sustain pedal and the loudness of the last notes. The engine writes it (`press`, `lift`, `pedal`);
the modes read it and, in respond mode, take the phrase when they answer it."""
from __future__ import annotations

from collections import deque

GRACE_STEPS = 0.5  # a release within half a step before a boundary still sounds at it


class PlayerNotes:
    def __init__(self):
        self.down: dict[int, tuple[float, int]] = {}   # keys held: pitch -> (start, velocity)
        self.struck: set[int] = set()                  # pitches struck since the last grid step
        self.phrase: list[tuple[int, float, float, int]] = []  # notes played and let go: (pitch, start, end, velocity)
        self.last_release = 0.0
        self.sustain = False
        self.released: dict[int, float] = {}           # pitches let go since the last grid step -> when
        self.velocities: deque[int] = deque(maxlen=8)  # the dynamics answers follow

    def press(self, pitch: int, velocity: int, position: float) -> None:
        self.down[pitch] = (position, velocity)
        self.struck.add(pitch)
        self.velocities.append(velocity)

    def lift(self, pitch: int, position: float) -> bool:
        """A key let go; False for a key that was not down (a note-off with no note-on)."""
        if pitch not in self.down:
            return False
        start, velocity = self.down.pop(pitch)
        self.released[pitch] = position
        self.phrase.append((pitch, start, position, velocity))
        self.last_release = position
        return True

    def pedal(self, down: bool, position: float) -> None:
        self.sustain = down
        if not down:
            self.last_release = max(self.last_release, position)

    def heard(self) -> set[int]:
        """What the player sounded during the step now ending: keys down and keys struck in it."""
        return set(self.down) | self.struck

    def recent(self, step: int) -> set[int]:
        """What the player let go less than GRACE_STEPS before `step`: a release a moment before the
        next note is legato, not a rest (committing it as a rest would teach a texture of rests)."""
        return {pitch for pitch, when in self.released.items() if when > step - GRACE_STEPS}

    def end_step(self) -> None:
        self.struck.clear()
        self.released.clear()

    def first_start(self) -> float | None:
        """Where the phrase being played began (None: nothing played since the last answer)."""
        begun = [start for _, start, _, _ in self.phrase] + [start for start, _ in self.down.values()]
        return min(begun) if begun else None

    def cut(self, step: int) -> None:
        """Close the phrase at `step` while keys are still down (respond's --max-listen): they count to
        here, and go on as notes begun at it."""
        self.phrase += [(pitch, start, step, v) for pitch, (start, v) in self.down.items()]
        self.down = {pitch: (float(step), v) for pitch, (_, v) in self.down.items()}

    def take_phrase(self) -> list[tuple[int, float, float, int]]:
        phrase, self.phrase = self.phrase, []
        return phrase

    def forget_phrase(self) -> None:
        self.phrase.clear()

    def shift(self, steps: float) -> None:
        """The DAW's transport jumped: what was heard moves with it."""
        self.phrase = [(p, start + steps, end + steps, v) for p, start, end, v in self.phrase]
        self.down = {pitch: (start + steps, v) for pitch, (start, v) in self.down.items()}
        self.last_release += steps
