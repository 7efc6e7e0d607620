"""Note bookkeeping: every note-on the companion sends is paired with its note-off, whatever happens.

All output goes through a `NoteTracker`. It counts who holds each (channel, pitch), sends the note-on
only when the pitch starts sounding and the note-off when its last holder lets go, and `panic()`
releases everything it holds and sends All Notes Off (CC 123) on every channel it used.
"""
from __future__ import annotations

import threading
from collections import Counter

import mido


class NoteTracker:
    def __init__(self, send):
        self._send = send
        self._held: Counter[tuple[int, int]] = Counter()
        self._channels: set[int] = set()
        self._lock = threading.Lock()  # panic may come from a signal handler's thread
        self.sent_on = 0

    @property
    def held(self) -> list[tuple[int, int]]:
        return sorted(key for key, count in self._held.items() if count > 0)

    def note_on(self, channel: int, pitch: int, velocity: int) -> bool:
        """Start (or hold again) a note; True when a note-on went out."""
        with self._lock:
            key = (channel, pitch)
            self._held[key] += 1
            self._channels.add(channel)
            if self._held[key] > 1:
                return False
            self._send(mido.Message("note_on", channel=channel, note=pitch, velocity=max(1, min(127, velocity))))
            self.sent_on += 1
            return True

    def note_off(self, channel: int, pitch: int) -> bool:
        """Let go of a note; True when a note-off went out (the last holder let go)."""
        with self._lock:
            key = (channel, pitch)
            if self._held[key] <= 0:
                return False
            self._held[key] -= 1
            if self._held[key]:
                return False
            del self._held[key]
            self._send(mido.Message("note_off", channel=channel, note=pitch, velocity=0))
            return True

    def release_all(self) -> int:
        """Note-offs for every held note, whoever holds it; returns how many were released."""
        with self._lock:
            released = sorted(key for key, count in self._held.items() if count > 0)
            self._held.clear()
            for channel, pitch in released:
                self._safe_send(mido.Message("note_off", channel=channel, note=pitch, velocity=0))
            return len(released)

    def panic(self) -> int:
        """Release everything, then All Notes Off (CC 123) on each channel used."""
        released = self.release_all()
        with self._lock:
            for channel in sorted(self._channels):
                self._safe_send(mido.Message("control_change", channel=channel, control=123, value=0))
        return released

    def _safe_send(self, message) -> None:
        """Releasing must reach every note even if one send fails (a port that vanished)."""
        try:
            self._send(message)
        except Exception:  # noqa: BLE001 - the remaining note-offs still go out
            pass
