"""The improviser: player messages and grid steps in, companion notes out, in three modes.

The engine knows nothing of wall-clock time or ports. Its caller (`live/runner.py`, or a test with a
simulated clock) hands it each player message with its position on the grid (in steps, a float) and
calls `on_step(k)` as each grid step begins. It owns the session's shared state (the player's notes,
the key tracker, the companion, the settings) and the mode part now playing (`live/harmonize.py`,
`live/respond.py`, `live/solo.py`), which owns its own. Every note goes out through a `NoteTracker`,
so any path out of a mode (switch, barge-in, panic, shutdown) leaves nothing hanging. Controls act
through its methods (`live/knobs.py` maps a knob's value to one).
"""
from __future__ import annotations

import mido

from ..models.midi_file import PLAYER_TRACK
from ..models.music_words import bar_beat
from .accompany import Accompany
from .harmonize import Harmonize
from .key_tracker import KeyTracker
from .knobs import KNOBS
from .performance import STATE_VALUES, click, follow_dynamics
from .player_notes import PlayerNotes
from .respond import Respond
from .settings import LiveSettings
from .solo import Solo
from .tracker import NoteTracker
from .view_feed import COMPANION, PLAYER

PARTS = {part.name: part for part in (Harmonize, Respond, Solo, Accompany)}


class Engine:
    def __init__(self, companion, send, settings: LiveSettings, recorder=None, log=None):
        self.companion, self.settings = companion, settings
        self.recorder, self.log = recorder, log or (lambda line: None)
        self._send = send
        self.tracker = NoteTracker(self._out)
        self.position = 0.0
        self.player = PlayerNotes()                     # what the player is doing
        self.key_tracker = KeyTracker()                 # the player's key, which answers keep
        self.channel_of: dict[int, int] = {}            # the channel each companion pitch was started on
        self.notes_in = 0
        self.silenced = False                           # after a panic: no answer or solo until the player plays
        self.on_program = None                          # the runner's: program change -> preset
        self.on_tempo = None                            # the runner's: the tempo knob -> the internal clock
        self.control_names = {cc: name for name, cc in settings.controls.items()}
        self.state: str | None = None                   # what the state CC last said
        self.view = None                                # a ViewFeed (`--view`): what a page is shown
        self.voice_of: dict[int, int] = {}              # the voice each companion pitch was started as
        self.part = PARTS[settings.mode](self)

    # --- output ------------------------------------------------------------------------------
    def _out(self, message) -> None:
        self._send(message)
        if self.view is not None and message.type in ("note_on", "note_off") and (
                message.channel != self.settings.click_channel or not self.settings.metronome):
            self.view.note(COMPANION, message.note, message.type == "note_on" and message.velocity > 0,
                           self.position, self.voice_of.get(message.note, 0))
        if self.recorder:  # with voices on their own channels, a track for each channel; the bass its own
            channel = getattr(message, "channel", None)
            split = self.settings.voice_channels and channel is not None
            bass = self.settings.mode == "accompany" and channel == self.settings.bass_channel
            track = "musigan bass" if bass else f"musigan ch{channel + 1}" if split else "musigan"
            self.recorder.record(track, message, self.position)

    def play_note(self, pitch: int, velocity: int | None = None, voice: int = 0, channel: int | None = None) -> None:
        """Start a companion note on `channel`; else, with `voice_channels`, voice 0 (the top) on the
        first, and so down."""
        channels = self.settings.voice_channels
        if channel is None:
            channel = channels[min(voice, len(channels) - 1)] if channels else self.settings.channel_out
        self.channel_of[pitch], self.voice_of[pitch] = channel, voice
        self.tracker.note_on(channel, pitch, self.settings.velocity or velocity or self.dynamics())

    def stop_note(self, pitch: int) -> None:
        self.tracker.note_off(self.channel_of.get(pitch, self.settings.channel_out), pitch)

    def sounding(self) -> set[int]:
        """The companion's pitches sounding now."""
        return {pitch for _, pitch in self.tracker.held}

    def where(self, position: float) -> str:
        """A grid position as the player counts it: bar 3 beat 2."""
        return bar_beat(position, self.companion.steps_per_quarter, self.companion.metre)

    @property
    def steps_per_bar(self) -> int:
        return self.companion.metre.steps_per_bar(self.companion.steps_per_quarter)

    @property
    def count_in_steps(self) -> int:
        return self.settings.count_in_bars * self.steps_per_bar

    def dynamics(self) -> int:
        return follow_dynamics(self.player.velocities, round(self.position), self.steps_per_bar)

    def release_all(self) -> int:
        """Stop answering: drop what is planned and release every note the companion holds; returns
        how many notes were released."""
        self.part.release()
        self.show_plan(None)
        return self.tracker.release_all()

    def release_sounding(self) -> int:
        """Release every note the companion holds, keeping what is planned (a paused clock)."""
        self.part.release(keep_plans=True)
        return self.tracker.release_all()

    def panic(self) -> int:
        """Silence: release everything, All Notes Off, and neither answer nor solo until the player
        plays again (or the mode control moves); returns how many notes were released."""
        released = self.release_all()
        self.tracker.panic()
        self.player.forget_phrase()
        self.silenced = True
        return released

    # --- the clock's faults --------------------------------------------------------------------
    def pause(self) -> None:
        """The DAW's clock stopped (or its ticks ceased): nothing may sound on; answers wait."""
        released = self.release_sounding()
        self.log(f"clock stopped: released {released} note(s); answers wait for the clock")

    def jump(self, steps: float) -> None:
        """The DAW's transport jumped by `steps` (Start, song position): move what is planned and what
        was heard with it, so an answer goes on from where it was rather than hanging."""
        self.part.shift(round(steps))
        self.player.shift(steps)

    @property
    def answering(self) -> bool:
        return self.part.answering or bool(self.tracker.held)

    # --- input -------------------------------------------------------------------------------
    def on_message(self, message: mido.Message, position: float, answer: bool = True) -> None:
        """A player message at a grid position; `answer=False` hears a note without answering it."""
        self.position = position
        if getattr(message, "channel", None) is not None and self.settings.channel_in not in (None, message.channel):
            return
        if self.recorder and message.type in ("note_on", "note_off", "control_change"):
            self.recorder.record(PLAYER_TRACK, message, position)
        if self.view is not None and message.type in ("note_on", "note_off"):
            self.view.note(PLAYER, message.note, message.type == "note_on" and message.velocity > 0, position)
        if message.type == "note_on" and message.velocity > 0:
            self._key_down(message.note, message.velocity, position, answer)
        elif message.type in ("note_on", "note_off"):
            if self.player.lift(message.note, position):
                self.part.key_up(message.note)
        elif message.type == "control_change":
            self._control(message.control, message.value)
        elif message.type == "program_change" and self.on_program:
            self.on_program(message.program)

    def _key_down(self, pitch: int, velocity: int, position: float, answer: bool = True) -> None:
        self.notes_in += 1
        self.silenced = False
        self.key_tracker.hear(pitch)  # before any voice is chosen: the note being played counts
        self.companion.set_key(self.key_tracker.belief, self.key_tracker.pull(self.settings.key_pull))
        self.player.press(pitch, velocity, position)
        self.part.key_down(pitch, velocity, position, answer)

    def _control(self, control: int, value: int) -> None:
        if control == 64:
            self.player.pedal(value >= 64, self.position)
            if value < 64:
                self.part.pedal_up()
        elif (name := self.control_names.get(control)) is not None:
            self.turn(name, value)

    def turn(self, name: str, value: int) -> None:
        """A control moved to `value` (0..127): by its CC, or by a page's slider (`--view`)."""
        KNOBS[name](self, value)

    def show_to(self, feed) -> None:
        """Hand every note and plan from now on to a view (`live/view_feed.py`)."""
        self.view = feed

    def show_plan(self, begin: int | None, frames=()) -> None:
        """Tell the view what the companion will play from step `begin` (None: nothing planned now)."""
        if self.view is not None:
            self.view.plan(begin, frames)

    def route(self, program=None, tempo=None) -> None:
        """Where a program change (-> a preset) and the tempo knob (-> the internal clock) go: the
        runner's, which owns the clock and loads presets off the engine's thread."""
        self.on_program, self.on_tempo = program, tempo

    # --- what the controls change ------------------------------------------------------------
    def set_mode(self, mode: str) -> None:
        """The mode control (or a test): a new part, and the companion starts afresh. Moving it also
        ends a panic's silence."""
        self.silenced = False
        if mode == self.settings.mode:
            return
        if refusal := PARTS[mode].refusal(self.companion):
            self.log(f"{refusal}; staying in {self.settings.mode}")
            return
        self.release_all()
        self.player.forget_phrase()
        self.settings.mode = mode
        self.part = PARTS[mode](self)
        self.companion.reset()
        self.log(f"mode {mode}")

    def set_companion(self, companion) -> None:
        """Switch preset: release everything first, so no note of the old one is left sounding."""
        if refusal := PARTS[self.settings.mode].refusal(companion):
            self.log(f"{refusal}; keeping {self.companion.name}")
            return
        self.release_all()
        self.player.forget_phrase()
        companion.temperature = self.companion.temperature
        if companion.remembers:
            companion.memory_amount = self.companion.memory_amount or companion.memory_amount
        companion.set_key(self.key_tracker.belief, self.key_tracker.pull(self.settings.key_pull))
        self.companion = companion
        self.part = PARTS[self.settings.mode](self)
        self.log(f"preset {companion.name}")

    def set_temperature(self, temperature: float) -> None:
        self.companion.temperature = temperature

    def set_density(self, scale: float) -> None:
        self.companion.density_scale = scale

    def set_memory(self, amount: float) -> None:
        self.companion.memory_amount = amount

    def set_comping(self, pattern: str) -> None:
        self.settings.comping = pattern

    def set_answer_bars(self, bars: int) -> None:
        self.settings.answer_bars = bars

    def set_listen_bars(self, shortest: int | None = None, longest: int | None = None) -> None:
        """Respond: the shortest call answered, and when it cuts in (0: never), in bars."""
        if shortest is not None:
            self.settings.min_listen_bars = shortest
        if longest is not None:
            self.settings.max_listen_bars = longest

    def set_loop(self, on: bool) -> bool:
        """Loop on or off; False when it already was."""
        if on == self.part.looper.on:
            return False
        self.part.looper.set(on)
        if not on:
            self.show_plan(None)
        return True

    def mutate(self) -> bool:
        """A variation of the passage from the next bar; False when one already waits."""
        return self.part.looper.ask_mutation()

    # --- time --------------------------------------------------------------------------------
    def on_step(self, step: int) -> None:
        """Grid step `step` begins: play what is due, then let the mode think."""
        self.position = float(step)
        self._click(step)
        if self.silenced and not isinstance(self.part, Harmonize):  # harmonize answers only a note, which ends it
            self.companion.step(self.player.heard(), sample=False)  # it keeps listening, silently
        else:
            self.part.step(step)
        self.player.end_step()
        self._say_state()

    def _say_state(self) -> None:
        """The state CC: what the companion is doing, for a controller's light or a DAW's mapping."""
        state = ("silenced" if self.silenced else "looping" if self.part.looper.on else
                 "answering" if self.answering else "listening")
        if self.settings.state_cc is not None and state != self.state:
            self._out(mido.Message("control_change", channel=self.settings.channel_out,
                                   control=self.settings.state_cc, value=STATE_VALUES[state]))
        self.state = state

    def _click(self, step: int) -> None:
        click(self.tracker, self.settings, step, self.companion.metre.steps_per_beat(self.companion.steps_per_quarter),
              self.steps_per_bar, self.count_in_steps)

    def close(self) -> int:
        """Shut down: release every note and send All Notes Off on the channels used."""
        return self.panic()
