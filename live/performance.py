"""How the companion's notes are played, beyond which notes: dynamics that follow the player, the
metronome and count-in, and which voice (hence which channel) a pitch is."""
from __future__ import annotations

import statistics

from ..models.notes import DEFAULT_VELOCITY

ACCENT = 8  # velocity added on a bar's first beat when following the player's dynamics
# what the state CC (--state-cc) says the companion is doing
STATE_VALUES = {"listening": 0, "answering": 64, "looping": 96, "silenced": 127}


def follow_dynamics(recent_velocities, step: int, steps_per_bar: int) -> int:
    """The middle of the player's last few velocities, with an accent on each bar's first beat."""
    if not recent_velocities:
        return DEFAULT_VELOCITY
    accent = ACCENT if step % steps_per_bar == 0 else 0
    return int(min(127, statistics.median(recent_velocities) + accent))


def click(tracker, settings, step: int, steps_per_beat: int, steps_per_bar: int, count_in_steps: int) -> None:
    """The metronome (and the count-in): a click on each beat of the metre, louder on a bar's first,
    released at the next step; it goes through the tracker, so panic and every way out release it too."""
    tracker.note_off(settings.click_channel, settings.click_note)
    if (settings.metronome or step < count_in_steps) and step % steps_per_beat == 0:
        downbeat = step % steps_per_bar == 0
        tracker.note_on(settings.click_channel, settings.click_note, 110 if downbeat else 70)


def voice_rank(pitch: int, frame: set[int]) -> int:
    """Which voice a pitch is in its frame, counted from the top: where `voice_channels` routes it."""
    return sorted(frame, reverse=True).index(pitch)
