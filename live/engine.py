"""The improviser: player messages and grid steps in, companion notes out, in three modes.

The engine knows nothing of wall-clock time or ports. Its caller (`live/runner.py`, or a test with a
simulated clock) hands it each player message with its position on the grid (in steps, a float) and
calls `on_step(k)` as each grid step begins. Every note goes out through a `NoteTracker`, so any
path out of a mode (switch, barge-in, panic, shutdown) leaves nothing hanging.
"""
from __future__ import annotations

import math
from collections import deque

import mido

from ..models.encodings import HARMONIZE_NEEDS
from ..models.notes import PITCH, NoteSequence, notes_array
from ..models.preset_schema import MODES
from .performance import click, follow_dynamics, voice_rank
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
        self.schedule: dict[int, list[tuple[str, int, int]]] = {}  # step -> (on/off, pitch, voice)
        self.channel_of: dict[int, int] = {}            # the channel each companion pitch was started on
        self.harmony: dict[int, list[int]] = {}         # melody pitch -> voices sounding under it
        self.pedal_held: set[int] = set()               # melodies released under the sustain pedal
        self.released: dict[int, float] = {}            # pitches let go since the last step -> when
        self.solo_notes: set[int] = set()
        self.notes_in = 0
        self.silenced = False                           # after a panic: no answer or solo until the player plays
        self.recent_velocities: deque[int] = deque(maxlen=8)  # the player's dynamics, which answers follow
        self.on_program = None                          # set by the runner: program change -> preset

    # --- output ------------------------------------------------------------------------------
    def _out(self, message) -> None:
        self._send(message)
        if self.recorder:  # with voices on their own channels, a track for each channel
            channel = getattr(message, "channel", None)
            split = self.settings.voice_channels and channel is not None
            self.recorder.record(f"musigan ch{channel + 1}" if split else "musigan", message, self.position)

    def _on(self, pitch: int, velocity: int | None = None, voice: int = 0) -> None:
        """Start a companion note; with `voice_channels`, voice 0 (the top) on the first, and so down."""
        channels = self.settings.voice_channels
        channel = channels[min(voice, len(channels) - 1)] if channels else self.settings.channel_out
        self.channel_of[pitch] = channel
        self.tracker.note_on(channel, pitch, self.settings.velocity or velocity or self.dynamics())

    def dynamics(self) -> int:
        return follow_dynamics(self.recent_velocities, round(self.position),
                               self.settings.beats_per_bar * self.companion.steps_per_quarter)

    def _off(self, pitch: int) -> None:
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
        shift = round(steps)
        self.schedule = {step + shift: changes for step, changes in self.schedule.items()}
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
        self.keys[pitch] = (position, velocity)
        self.struck.add(pitch)
        if self.settings.mode == "respond" and self.answering:
            self.log(f"barge-in at step {position:.1f}: answer cut short")
            self.release_all()
        if self.settings.mode == "harmonize" and answer:
            self._release_voices(pitch)
            voices = []
            for index, voice in enumerate(self.companion.voices_under(pitch, self.settings.voices)):
                self._on(voice, velocity, index)
                voices.append(voice)
            self.harmony[pitch] = voices
            self.log(f"heard {pitch} at step {position:.1f}; voices under it {voices}")

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
            self._off(voice)

    def _control(self, control: int, value: int) -> None:
        settings = self.settings
        if control == 64:
            self.sustain = value >= 64
            if not self.sustain:
                self.last_release = max(self.last_release, self.position)
                for melody in sorted(self.pedal_held - set(self.keys)):
                    self._release_voices(melody)
                self.pedal_held.clear()
        elif control == settings.cc_temperature:
            self.companion.temperature = round(0.1 + value / 127 * 1.9, 3)
            self.log(f"temperature {self.companion.temperature}")
        elif control == settings.cc_answer:
            settings.answer_bars = value * 9 // 128
            self.log(f"answer length {settings.answer_bars or 'as the phrase'} bars")
        elif control == settings.cc_mode:
            self.silenced = False
            self.set_mode(MODES[min(2, value * 3 // 128)])
        elif control == settings.cc_panic and value >= 64:
            self.log(f"panic: released {self.panic()} note(s)")

    def set_mode(self, mode: str) -> None:
        if mode == self.settings.mode:
            return
        if mode == "harmonize" and not self.companion.can_harmonize:
            self.log(f"{HARMONIZE_NEEDS}; staying in {self.settings.mode}")
            return
        self.release_all()
        self.phrase.clear()
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
        self.companion = companion
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
            self._respond(step)
            self._play_due(step)  # an answer found at this step begins at it
        else:
            self._solo()
        self.struck.clear()

    def _click(self, step: int) -> None:
        click(self.tracker, self.settings, step, self.companion.steps_per_quarter, self.count_in_steps)

    @property
    def count_in_steps(self) -> int:
        return self.settings.count_in_bars * self.settings.beats_per_bar * self.companion.steps_per_quarter

    def _play_due(self, step: int) -> None:
        for due in sorted(k for k in self.schedule if k <= step):
            for kind, pitch, voice in self.schedule.pop(due):
                self._on(pitch, voice=voice) if kind == "on" else self._off(pitch)

    def sounding_at(self, step: int) -> set[int]:
        """What a musician would call the music at this step boundary: what sounds now, and what was
        let go less than GRACE_STEPS before it (a release a moment before the next note is legato,
        not a rest; committing it as a rest would teach the model a texture of rests)."""
        recent = {pitch for pitch, when in self.released.items() if when > step - GRACE_STEPS}
        self.released.clear()
        return set(self.keys) | {p for _, p in self.tracker.held} | recent

    def _respond(self, step: int) -> None:
        gap = self.settings.phrase_gap_beats * self.companion.steps_per_quarter
        if self.phrase and not self.keys and not self.sustain and step - self.last_release >= gap:
            self._answer(step)

    def phrase_sequence(self) -> NoteSequence:
        origin = math.floor(min(start for _, start, _, _ in self.phrase))
        rows = []
        for pitch, start, end, velocity in self.phrase:
            begin = round(start - origin)
            rows.append((pitch, begin, max(begin + 1, round(end - origin)), velocity, 0))
        return NoteSequence(notes_array(rows), steps_per_quarter=self.companion.steps_per_quarter)

    def _answer(self, step: int) -> None:
        phrase = self.phrase_sequence()
        self.phrase.clear()
        per_beat = self.companion.steps_per_quarter
        bars = self.settings.answer_bars
        length = bars * self.settings.beats_per_bar * per_beat if bars else math.ceil(phrase.total_steps / per_beat) * per_beat
        begin = step  # at once, on the grid: the silence that ended the phrase already took its time
        self.companion.listen(phrase)
        previous: set[int] = set()
        answer = []
        for offset in range(length):
            frame = self.companion.step()
            self._schedule_changes(begin + offset, previous, frame)
            answer += sorted(frame - previous)
            previous = frame
        self._schedule_changes(begin + length, previous, set())
        self.log(f"heard {len(phrase)} notes {phrase.notes[:, PITCH].tolist()}; answering {len(answer)} notes "
                 f"{answer} from step {begin}")

    def _schedule_changes(self, step: int, before: set[int], after: set[int]) -> None:
        changes = [("off", p, 0) for p in sorted(before - after)]
        changes += [("on", p, voice_rank(p, after)) for p in sorted(after - before)]
        if changes:
            self.schedule.setdefault(step, []).extend(changes)

    def _solo(self) -> None:
        if self.position < self.count_in_steps:  # counting in: it listens, and starts with the first bar after
            self.companion.step(set(self.keys) | self.struck, sample=False)
            return
        frame = self.companion.step(set(self.keys) | self.struck)
        for pitch in sorted(self.solo_notes - frame):
            self._off(pitch)
        for pitch in sorted(frame - self.solo_notes):
            self._on(pitch, voice=voice_rank(pitch, frame))
        self.solo_notes = frame

    def close(self) -> int:
        """Shut down: release every note and send All Notes Off on the channels used."""
        return self.panic()
