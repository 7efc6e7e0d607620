"""Every live control of `musigan play`, with its default: the CLI and the preset's `live` section fill it."""
from __future__ import annotations

from dataclasses import dataclass

from ..models.preset_schema import MODES


@dataclass
class LiveSettings:
    """Every live control, with its default; the CLI and the preset's `live` section fill these."""

    mode: str = "respond"
    channel_in: int | None = None      # 0-based; None listens to every channel
    channel_out: int = 0               # 0-based
    bpm: float = 100.0
    answer_bars: int = 2               # 0: answer as long as the phrase was
    phrase_gap_beats: float = 0.75     # silence that ends a phrase (keys up, pedal up); a half-beat rest does not
    voices: int = 3                    # harmonize: voices added under each note
    velocity: int | None = None        # None: follow the player's dynamics; N: every note at N
    metronome: bool = False            # a click on every beat, accented on the bar's first
    click_channel: int = 9             # 0-based: channel 10, General MIDI drums
    click_note: int = 76               # General MIDI high wood block
    count_in_bars: int = 0             # solo: clicks for this many bars before the companion starts
    voice_channels: tuple[int, ...] = ()  # 0-based: the top voice's channel, the next one down's ...; () = one
    beats_per_bar: int = 4
    cc_temperature: int = 16           # 0..127 -> temperature 0.1..2.0
    cc_answer: int = 17                # 0..127 -> answer length 0..8 bars
    cc_mode: int = 18                  # thirds of the range: respond, harmonize, solo
    cc_panic: int = 19                 # >= 64: panic

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
