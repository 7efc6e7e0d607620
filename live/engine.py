"""The improviser: player messages and grid steps in, companion notes out, in three modes.

The engine knows nothing of wall-clock time or ports. Its caller (`live/runner.py`, or a test with a
simulated clock) hands it each player message with its position on the grid (in steps, a float) and
calls `on_step(k)` as each grid step begins. Every note goes out through a `NoteTracker`, so any
path out of a mode (switch, barge-in, panic, shutdown) leaves nothing hanging.
"""
from __future__ import annotations

from collections import deque

import mido

from ..models.encodings import HARMONIZE_NEEDS
from ..models.music_words import bar_beat, pitch_name, pitch_names
from .answers import Schedule
from .key_tracker import KeyTracker
from .knobs import KNOBS
from .looper import Looper
from .modes import respond, solo
from .performance import STATE_VALUES, click, follow_dynamics
from .settings import LiveSettings
from .tracker import NoteTracker

GRACE_STEPS = 0.5  # a release within half a step before a boundary still sounds at it

class Engine:
    def __init__(self, companion, send, settings: LiveSettings, recorder=None, log=None):
        self.companion, self.settings = companion, settings
        self.recorder, self.log = recorder, log or (lambda line: None)
        self._send = send
        self.tracker = NoteTracker(self._out)
        self.position = 0.0
        self.keys: dict[int, tuple[float, int]] = {}   # player keys down: pitch -> (start, velocity)
        self.struck: set[int] = set()                   # player pitches struck since the last step
        self.sustain = False
        self.phrase: list[tuple[int, float, float, int]] = []
        self.last_release = 0.0
        self.schedule = Schedule()                      # respond: the answer's note changes ahead
        self.channel_of: dict[int, int] = {}            # the channel each companion pitch was started on
        self.harmony: dict[int, list[int]] = {}         # melody pitch -> voices sounding under it
        self.pedal_held: set[int] = set()               # melodies released under the sustain pedal
        self.released: dict[int, float] = {}            # pitches let go since the last step -> when
        self.solo_notes: set[int] = set()
        self.notes_in = 0
        self.silenced = False                           # after a panic: no answer or solo until the player plays
        self.recent_velocities: deque[int] = deque(maxlen=8)  # the player's dynamics, which answers follow
        self.key = KeyTracker()                         # the player's key, which answers keep
        self.chord: list[int] | None = None             # harmonize: the last melody note and its voices
        self.on_program = None                          # set by the runner: program change -> preset
        self.on_tempo = None                            # set by the runner: the tempo knob -> the internal clock
        self.looper = self._new_looper()
        self.control_names = {cc: name for name, cc in settings.controls.items()}
        self.cutting_in = False                         # an answer past --max-listen: the player plays on under it
        self.state: str | None = None                   # what the state CC last said

    # --- output ------------------------------------------------------------------------------
    def _out(self, message) -> None:
        self._send(message)
        if self.recorder:  # with voices on their own channels, a track for each channel
            channel = getattr(message, "channel", None)
            split = self.settings.voice_channels and channel is not None
            self.recorder.record(f"musigan ch{channel + 1}" if split else "musigan", message, self.position)

    def play_note(self, pitch: int, velocity: int | None = None, voice: int = 0) -> None:
        """Start a companion note; with `voice_channels`, voice 0 (the top) on the first, and so down."""
        channels = self.settings.voice_channels
        channel = channels[min(voice, len(channels) - 1)] if channels else self.settings.channel_out
        self.channel_of[pitch] = channel
        self.tracker.note_on(channel, pitch, self.settings.velocity or velocity or self.dynamics())

    def where(self, position: float) -> str:
        """A grid position as the player counts it: bar 3 beat 2."""
        return bar_beat(position, self.companion.steps_per_quarter, self.companion.metre)

    @property
    def steps_per_bar(self) -> int:
        return self.companion.metre.steps_per_bar(self.companion.steps_per_quarter)

    def _new_looper(self) -> Looper:
        """Nothing to loop yet (a new session, mode or preset); the solo loop spans `loop_bars` bars."""
        return Looper(self.settings.loop_bars * self.steps_per_bar)

    def dynamics(self) -> int:
        return follow_dynamics(self.recent_velocities, round(self.position), self.steps_per_bar)

    def stop_note(self, pitch: int) -> None:
        self.tracker.note_off(self.channel_of.get(pitch, self.settings.channel_out), pitch)

    def release_all(self) -> int:
        """Stop answering: drop what is scheduled and release every note the companion holds; returns
        how many notes were released."""
        self.schedule.clear()
        return self.release_sounding()

    def release_sounding(self) -> int:
        """Release every note the companion holds, keeping what is scheduled (a paused clock)."""
        self.harmony.clear()
        self.pedal_held.clear()
        self.solo_notes.clear()
        return self.tracker.release_all()

    def panic(self) -> int:
        """Silence: release everything, All Notes Off, and neither answer nor solo until the player
        plays again (or the mode control moves); returns how many notes were released."""
        released = self.release_all()
        self.tracker.panic()
        self.phrase.clear()
        self.silenced = True
        return released

    # --- the clock's faults --------------------------------------------------------------------
    def pause(self) -> None:
        """The DAW's clock stopped (or its ticks ceased): nothing may sound on; answers wait."""
        released = self.release_sounding()
        self.log(f"clock stopped: released {released} note(s); answers wait for the clock")

    def jump(self, steps: float) -> None:
        """The DAW's transport jumped by `steps` (Start, song position): move what is scheduled and
        what was heard with it, so an answer goes on from where it was rather than hanging."""
        self.schedule.shift(round(steps))
        self.phrase = [(p, start + steps, end + steps, v) for p, start, end, v in self.phrase]
        self.keys = {pitch: (start + steps, v) for pitch, (start, v) in self.keys.items()}
        self.last_release += steps

    @property
    def answering(self) -> bool:
        return bool(self.schedule) or bool(self.tracker.held)

    # --- input -------------------------------------------------------------------------------
    def on_message(self, message: mido.Message, position: float, answer: bool = True) -> None:
        """A player message at a grid position; `answer=False` hears a note without answering it."""
        self.position = position
        if getattr(message, "channel", None) is not None and self.settings.channel_in not in (None, message.channel):
            return
        if self.recorder and message.type in ("note_on", "note_off", "control_change"):
            self.recorder.record("player", message, position)
        if message.type == "note_on" and message.velocity > 0:
            self._key_down(message.note, message.velocity, position, answer)
        elif message.type in ("note_on", "note_off"):
            self._key_up(message.note, position)
        elif message.type == "control_change":
            self._control(message.control, message.value)
        elif message.type == "program_change" and self.on_program:
            self.on_program(message.program)

    def _key_down(self, pitch: int, velocity: int, position: float, answer: bool = True) -> None:
        self.notes_in += 1
        self.silenced = False
        self.recent_velocities.append(velocity)
        self.key.hear(pitch)  # before any voice is chosen: the note being played counts
        self.companion.set_key(self.key.belief, self.key.pull(self.settings.key_pull))
        self.keys[pitch] = (position, velocity)
        self.struck.add(pitch)
        if self.settings.mode == "respond" and self.answering and not self.cutting_in:
            self.log(f"you played at {self.where(position)}: answer cut short")
            self.release_all()
        if self.settings.mode == "harmonize" and answer:
            self._release_voices(pitch)
            voices = []
            for index, voice in enumerate(self.companion.voices_under(pitch, self.settings.voices, self.chord)):
                self.play_note(voice, velocity, index)
                voices.append(voice)
            self.harmony[pitch] = voices
            self.chord = [pitch, *voices]
            self.log(f"heard {pitch_name(pitch)} at {self.where(position)}; voices under it {pitch_names(voices)}")

    def _key_up(self, pitch: int, position: float) -> None:
        if pitch not in self.keys:
            return
        start, velocity = self.keys.pop(pitch)
        self.released[pitch] = position
        self.phrase.append((pitch, start, position, velocity))
        self.last_release = position
        if self.settings.mode == "harmonize":
            if self.sustain:
                self.pedal_held.add(pitch)
            else:
                self._release_voices(pitch)

    def _release_voices(self, melody: int) -> None:
        for voice in self.harmony.pop(melody, []):
            self.released[voice] = self.position
            self.stop_note(voice)

    def _control(self, control: int, value: int) -> None:
        if control == 64:
            self._sustain(value >= 64)
        elif (name := self.control_names.get(control)) is not None:
            KNOBS[name](self, value)

    def _sustain(self, down: bool) -> None:
        self.sustain = down
        if not down:
            self.last_release = max(self.last_release, self.position)
            for melody in sorted(self.pedal_held - set(self.keys)):
                self._release_voices(melody)
            self.pedal_held.clear()

    def set_mode(self, mode: str) -> None:
        if mode == self.settings.mode:
            return
        if mode == "harmonize" and not self.companion.can_harmonize:
            self.log(f"{HARMONIZE_NEEDS}; staying in {self.settings.mode}")
            return
        self.release_all()
        self.phrase.clear()
        self.looper = self._new_looper()
        self.settings.mode = mode
        self.companion.reset()
        self.log(f"mode {mode}")

    def set_companion(self, companion) -> None:
        """Switch preset: release everything first, so no note of the old one is left sounding."""
        if self.settings.mode == "harmonize" and not companion.can_harmonize:
            self.log(f"{HARMONIZE_NEEDS}; keeping {self.companion.name}, not {companion.name}")
            return
        self.release_all()
        self.phrase.clear()
        companion.temperature = self.companion.temperature
        companion.set_key(self.key.belief, self.key.pull(self.settings.key_pull))
        self.companion = companion
        self.looper = self._new_looper()
        self.log(f"preset {companion.name}")

    # --- time --------------------------------------------------------------------------------
    def on_step(self, step: int) -> None:
        """Grid step `step` begins: play what is due, then let the mode think."""
        self.position = float(step)
        self._play_due(step)
        self._click(step)
        mode = self.settings.mode
        if mode == "harmonize":
            self.companion.step(self.sounding_at(step), sample=False)
        elif self.silenced:
            self.companion.step(set(self.keys) | self.struck, sample=False)  # it keeps listening, silently
        elif mode == "respond":
            respond(self, step)
            self._play_due(step)  # an answer found at this step begins at it
        else:
            solo(self, step)
        self.struck.clear()
        self._say_state()

    def _say_state(self) -> None:
        """The state CC: what the companion is doing, for a controller's light or a DAW's mapping."""
        state = ("silenced" if self.silenced else "looping" if self.looper.on else
                 "answering" if self.answering else "listening")
        if self.settings.state_cc is not None and state != self.state:
            self._out(mido.Message("control_change", channel=self.settings.channel_out,
                                   control=self.settings.state_cc, value=STATE_VALUES[state]))
        self.state = state

    def _click(self, step: int) -> None:
        click(self.tracker, self.settings, step, self.companion.metre.steps_per_beat(self.companion.steps_per_quarter),
              self.steps_per_bar, self.count_in_steps)

    @property
    def count_in_steps(self) -> int:
        return self.settings.count_in_bars * self.steps_per_bar

    def _play_due(self, step: int) -> None:
        for kind, pitch, voice in self.schedule.due(step):
            self.play_note(pitch, voice=voice) if kind == "on" else self.stop_note(pitch)

    def sounding_at(self, step: int) -> set[int]:
        """What a musician would call the music at this step boundary: what sounds now, and what was
        let go less than GRACE_STEPS before it (a release a moment before the next note is legato,
        not a rest; committing it as a rest would teach the model a texture of rests)."""
        recent = {pitch for pitch, when in self.released.items() if when > step - GRACE_STEPS}
        self.released.clear()
        return set(self.keys) | {p for _, p in self.tracker.held} | recent

    def close(self) -> int:
        """Shut down: release every note and send All Notes Off on the channels used."""
        return self.panic()
