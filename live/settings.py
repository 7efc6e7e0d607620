"""Every live control of `musigan play`, with its default: the CLI and the preset's `live` section fill it."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models.preset_schema import MODES
from .controls import default_controls


@dataclass
class LiveSettings:
    """Every live control, with its default; the CLI and the preset's `live` section fill these."""

    mode: str = "respond"
    channel_in: int | None = None      # 0-based; None listens to every channel
    channel_out: int = 0               # 0-based
    bpm: float = 100.0
    answer_bars: int = 2               # 0: answer as long as the phrase was
    phrase_gap_beats: float = 0.7      # silence that ends a phrase (keys up, pedal up); a half-beat rest does not
    voices: int = 3                    # harmonize: voices added under each note
    comping: str = "held"              # accompany: held chords, a pulse on the beats, or an arpeggio
    bass_channel: int | None = None    # accompany: 0-based; None = the channel after channel_out
    key_pull: float = 3.0              # nats a pitch outside the player's key loses (e^-3: ~1/20 as likely); 0 = none
    velocity: int | None = None        # None: follow the player's dynamics; N: every note at N
    metronome: bool = False            # a click on every beat, accented on the bar's first
    click_channel: int = 9             # 0-based: channel 10, General MIDI drums
    click_note: int = 76               # General MIDI high wood block
    count_in_bars: int = 0             # solo: clicks for this many bars before the companion starts
    voice_channels: tuple[int, ...] = ()  # 0-based: the top voice's channel, the next one down's ...; () = one
    min_listen_bars: int = 0           # respond: a call shorter than this is not answered yet
    max_listen_bars: int = 0           # respond: past this the companion cuts in; 0 = never
    loop_bars: int = 2                 # solo: how many of its last bars the loop control repeats
    state_cc: int | None = None        # tell the DAW what the companion is doing on this CC; None = off
    glide_beats: float = 4.0           # a tempo change glides over this many beats
    controls: dict[str, int] = field(default_factory=default_controls)  # control name -> CC (live/controls.py)

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"unknown mode {self.mode!r}; choose one of {', '.join(MODES)}")
        if self.bass_channel is None:
            self.bass_channel = (self.channel_out + 1) % 16
