"""What a live session hands its view (`musigan play --view`), and what the view asks of it.

The real-time thread only appends to bounded deques here, never waits and never formats anything:
when no page is reading, or a page stalls, the oldest events fall off the end. The view's own thread
(`live/view_server.py`) drains them. What the page asks (a slider, a button, a preset) waits in
`asked` until the real-time loop's next idle turn acts on it through the same code as a CC knob or
a program change (`live/runner.py: Runner.act_on_view`).
"""
from __future__ import annotations

from collections import deque

EVENTS = 4096   # note changes kept for a page that is slow to read (about a minute of a busy duet)
ASKS = 64       # what pages asked, waiting for the real-time loop's next turn

PLAYER, COMPANION = "player", "companion"


class ViewFeed:
    def __init__(self):
        self.events: deque = deque(maxlen=EVENTS)
        self.asked: deque = deque(maxlen=ASKS)

    def note(self, who: str, pitch: int, on: bool, position: float, voice: int = 0) -> None:
        """A note began or ended at a grid position (the player's, or the companion's `voice`)."""
        self.events.append(("note", who, pitch, on, position, voice))

    def plan(self, begin: int | None, frames) -> None:
        """What the companion will play from grid step `begin` (one set of pitches per step), or
        nothing (begin None): an answer decided, a loop about to repeat, a plan cut short."""
        self.events.append(("plan", begin, tuple(frozenset(frame) for frame in frames)))

    def take(self) -> list:
        """Every event handed over since the last take, oldest first (the view's thread)."""
        taken = []
        while self.events:
            taken.append(self.events.popleft())
        return taken

    def ask(self, request: tuple) -> None:
        """A page's request: ("knob", name, 0..127) or ("program", n), checked by the view."""
        self.asked.append(request)
