"""MIDI bytes from a device, parsed as MIDI 1.0 says and never trusted.

rtmidi hands the callback one message's bytes at a time, but a device can send anything: a truncated
pitch bend (`E0 05`), a lone `F1`, an undefined status, real-time bytes in the middle of a message,
or a system-exclusive message that never ends. The parser turns each callback's bytes into the whole
messages among them, counts what it drops, and never raises: no byte sequence ends a session.
"""
from __future__ import annotations

import mido

SYSEX_START, SYSEX_END = 0xF0, 0xF7
# data bytes after each status: channel messages by high nibble, system common by status
CHANNEL_LENGTHS = {0x80: 2, 0x90: 2, 0xA0: 2, 0xB0: 2, 0xC0: 1, 0xD0: 1, 0xE0: 2}
SYSTEM_LENGTHS = {0xF1: 1, 0xF2: 2, 0xF3: 1, 0xF6: 0}
REAL_TIME = {0xF8, 0xFA, 0xFB, 0xFC, 0xFE, 0xFF}   # F9 and FD are undefined


def data_length(status: int) -> int | None:
    """How many data bytes follow `status`; None for a status that has no defined message."""
    if status < 0xF0:
        return CHANNEL_LENGTHS[status & 0xF0]
    return SYSTEM_LENGTHS.get(status)


class MidiParser:
    """Whole messages out of each callback's bytes. Real-time bytes come out wherever they stand; an
    unfinished message is dropped at the end of its callback; a system-exclusive message is skipped
    (musigan plays no sysex) until F7 or any other status byte, which ends it as MIDI 1.0 says."""

    def __init__(self):
        self.dropped = 0          # messages (or stray bytes) that did not parse
        self.in_sysex = False

    def feed(self, data) -> list[mido.Message]:
        out, pending, status, expected, stray = [], [], None, None, False
        for byte in data:
            byte = int(byte) & 0xFF
            if byte in REAL_TIME:
                if byte != 0xFE:  # active sensing carries nothing for the companion
                    out.append(mido.Message.from_bytes([byte]))
                continue
            if byte >= 0x80:
                if pending or (self.in_sysex and byte != SYSEX_END):
                    self.dropped += 1  # a new status cut the previous message (or a sysex) short
                self.in_sysex, pending, status = byte == SYSEX_START, [], None
                if byte == SYSEX_END:  # ends a sysex; a lone one (musigan's JACK guard sends them) is nothing
                    continue
                expected = None if self.in_sysex else data_length(byte)
                if expected is None:
                    self.dropped += not self.in_sysex  # F4, F5, F9, FD or a stray F7: no such message
                    continue
                status, pending = byte, [byte]
            elif self.in_sysex:
                continue
            elif status is None:
                stray = True  # data bytes with no status before them: one fault per callback
                continue
            else:
                pending = pending or [status]  # running status: a channel message's status carries on
                pending.append(byte)
            if len(pending) == expected + 1:
                out.append(mido.Message.from_bytes(pending))
                pending = []
                if status >= 0xF0:
                    status = None  # system common messages set no running status
        self.dropped += bool(pending) + stray
        return out
