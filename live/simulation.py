"""A simulated clock and in-memory ports: the engine driven step by step, deterministically.

Unit tests use it, and so does `musigan play --demo` on a machine with no MIDI system.
"""
from __future__ import annotations


class SimulatedClock:
    def __init__(self):
        self.position = 0.0


class MemoryInput:
    """An input port in memory: what `deliver` is given, `poll` hands over, as a real port's poll does."""

    def __init__(self):
        self.pending: list[tuple[float, list[int]]] = []

    def deliver(self, t: float, data) -> None:
        self.pending.append((t, list(data)))

    def poll(self) -> list[tuple[float, list[int]]]:
        batch, self.pending = self.pending, []
        return batch


class MemoryOutput:
    """An output port that keeps what it was sent, with the grid position it was sent at."""

    def __init__(self, clock: SimulatedClock):
        self.clock, self.sent = clock, []

    def send(self, message) -> None:
        self.sent.append((self.clock.position, message))

    def notes(self, kind: str = "note_on") -> list[tuple[float, int]]:
        return [(p, m.note) for p, m in self.sent if m.type == kind and (kind != "note_on" or m.velocity > 0)]


def drive(engine, clock: SimulatedClock, events, steps: int, start: int = 0) -> None:
    """Deliver (position, message) events and grid steps `start`..`steps - 1` in time order; events
    up to position `steps` are delivered too (after the last step)."""
    events = sorted(events, key=lambda e: e[0])
    index = 0
    for step in range(start, steps + 1):
        while index < len(events) and events[index][0] <= step:
            position, message = events[index]
            clock.position = position
            engine.on_message(message, position)
            index += 1
        if step < steps:
            clock.position = float(step)
            engine.on_step(step)
