"""A seeded, bounded fuzz of the live engine as a hostile session plays it: random notes (overlapping,
unreleased, offs without ons), every control, program changes in and out of range, MIDI clock with
stops and jumps, malformed bytes, and several ways to end, over every trained preset and mode.
After each session every note-on the companion sent has its note-off, and nothing raised."""
import random
from collections import Counter

import pytest
from musigan.live.clock import InternalClock, MidiClock
from musigan.live.companions import companion_for
from musigan.live.engine import PARTS, Engine
from musigan.live.runner import Runner
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryInput, MemoryOutput, SimulatedClock
from musigan.models.preset_schema import MODES
from musigan.models.presets import load_presets

SESSIONS = 2000
MALFORMED = ([0xE0, 5], [0xF1], [0xF2, 3], [0xF0, 0x43, 0x10], [0xF4], [0x45], [0x90, 60], [0xFD],
             [0x90, 0xF8, 61, 0])


def random_bytes(rng: random.Random, settings: LiveSettings) -> list[int]:
    kind = rng.random()
    if kind < 0.45:
        return [0x90 | rng.randrange(2), rng.randrange(28, 100), rng.choice([0, rng.randrange(1, 128)])]
    if kind < 0.65:
        return [0x80, rng.randrange(28, 100), 0]
    if kind < 0.78:
        controls = [*settings.controls.values(), 64, 1, 123]  # every knob: loop, mutate, listen bounds, tempo ...
        return [0xB0, rng.choice(controls), rng.randrange(128)]
    if kind < 0.82:
        return [0xC0, rng.randrange(16)]
    if kind < 0.92:
        return rng.choice([[0xF8], [0xF8], [0xF8], [0xFA], [0xFB], [0xFC], [0xF2, rng.randrange(128), 0]])
    return list(rng.choice(MALFORMED))


def unreleased(output: MemoryOutput) -> dict:
    count = Counter()
    for _, message in output.sent:
        key = (message.channel, getattr(message, "note", None))
        if message.type == "note_on" and message.velocity > 0:
            count[key] += 1
        elif message.type in ("note_on", "note_off") and count[key] > 0:
            count[key] -= 1
    return {key: n for key, n in count.items() if n}


@pytest.mark.slow
def test_no_session_leaves_a_note_on_or_raises():
    presets = [p for p in load_presets().values() if p.trained]
    companions = [companion_for(p, seed=0) for p in presets]
    rng = random.Random(2026)
    ends, played, dropped, heard = Counter(), 0, 0, 0
    for session in range(SESSIONS):
        index = rng.randrange(len(companions))
        companion = companions[index]
        mode = rng.choice([m for m in MODES if not PARTS[m].refusal(companion)])
        companion.reset()
        settings = LiveSettings(mode=mode, answer_bars=rng.randrange(3), phrase_gap_beats=rng.choice([0.5, 1.0]),
                                metronome=rng.random() < 0.3, count_in_bars=rng.randrange(2),
                                velocity=rng.choice([None, 64]), voice_channels=rng.choice([(), (1, 2, 3)]),
                                min_listen_bars=rng.randrange(2), max_listen_bars=rng.randrange(3),
                                loop_bars=rng.randrange(1, 3), state_cc=rng.choice([None, 30]))
        output = MemoryOutput(SimulatedClock())
        engine = Engine(companion, output.send, settings)
        midi = rng.random() < 0.4
        clock = MidiClock(4) if midi and 24 % companion.steps_per_quarter == 0 else InternalClock(
            120.0, companion.steps_per_quarter, 0.0)
        runner = Runner(engine, clock, MemoryInput())
        engine.on_program = lambda n: engine.set_companion(companions[n % len(companions)])
        t = 0.0
        for step in range(rng.randrange(4, 40)):
            for _ in range(rng.randrange(4)):
                t += rng.random() * 0.03
                runner.handle_batch([(t, random_bytes(rng, settings))])
            if isinstance(clock, InternalClock):
                engine.on_step(step)
                t = max(t, clock.next_step_time(step + 1))
            elif rng.random() < 0.05:
                runner.pause()  # the ticks ceased
        end = rng.choice(["close", "panic then close", "mode switch then close", "program then close"])
        ends[end] += 1
        if end == "panic then close":
            runner.handle_batch([(t, [0xB0, settings.controls['panic'], 127])])
        elif end == "mode switch then close":
            runner.handle_batch([(t, [0xB0, settings.controls['mode'], rng.randrange(128)])])
        elif end == "program then close":
            runner.handle_batch([(t, [0xC0, rng.randrange(16)])])
        engine.close()
        assert not unreleased(output), (session, presets[index].name, mode, end, unreleased(output))
        played, dropped, heard = played + engine.tracker.sent_on, dropped + runner.parser.dropped, heard + engine.notes_in
    assert all(ends[end] > 50 for end in ends)
    assert played > 2000 and heard > 2000 and dropped > 100, (played, heard, dropped)  # the fuzz really played
