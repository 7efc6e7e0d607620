"""The four ways the companion plays, each a part that owns its own state: `Harmonize` (voices
under each note, as it is struck), `Respond` (call and response), `Solo` (it plays on) and
`Accompany` (chords on the beat over a bass, `live/accompany.py`).

A part is told what happens (a key down or up, the pedal let go, a grid step) and acts through the
engine's methods (`play_note`, `stop_note`, `release_all`, `log`); it never writes the engine's
fields. What it sounds, schedules or loops is its own, and `release` forgets it.
"""
from __future__ import annotations

from .looper import Looper


class Part:
    """What every mode offers the engine; each mode overrides what it does."""

    name = ""

    def __init__(self, engine):
        self.engine = engine
        self.looper = Looper(engine.settings.loop_bars * engine.steps_per_bar)

    @staticmethod
    def refusal(companion) -> str | None:
        """Why this mode cannot play with `companion` (None: it can). A chord preset plays only in
        accompany mode: respond and solo would strike its chords as a melody's notes."""
        if companion.plays_chords:
            return f"{companion.name} plays chords under a melody, in accompany mode"
        return None

    @property
    def answering(self) -> bool:
        """Something is planned ahead (an answer): a player's note cuts it short in respond mode."""
        return False

    def key_down(self, pitch: int, velocity: int, position: float, answer: bool) -> None:
        pass

    def key_up(self, pitch: int) -> None:
        pass

    def pedal_up(self) -> None:
        pass

    def step(self, step: int) -> None:
        raise NotImplementedError

    def release(self, keep_plans: bool = False) -> None:
        """Forget what sounds (the engine releases it); with `keep_plans`, keep what is planned ahead
        (a paused clock resumes it)."""

    def shift(self, steps: int) -> None:
        """The DAW's transport jumped: move what is planned with it."""
