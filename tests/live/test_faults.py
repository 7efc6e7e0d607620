"""The live faults a hostile session found: malformed bytes, the DAW's clock stopping or jumping,
and panic, each on the real engine with in-memory ports and a simulated clock."""
import mido
import pytest
from musigan.live.clock import MidiClock
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.midi_bytes import MidiParser
from musigan.live.runner import Runner
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryInput, MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset


def engine_for(preset="bach-chorales-gru", **settings):
    output = MemoryOutput(SimulatedClock())
    engine = Engine(companion_for(get_preset(preset), seed=3), output.send, LiveSettings(**settings))
    return engine, output


@pytest.mark.parametrize("data", [[0xE0, 5], [0xF1], [0xF2, 3], [0xF4], [0xFD], [0x45, 0x12], [0x90, 60]])
def test_truncated_and_undefined_bytes_are_dropped_and_counted(data):
    parser = MidiParser()
    assert parser.feed(data) == [] and parser.dropped == 1
    assert [m.type for m in parser.feed([0x90, 60, 90])] == ["note_on"]  # and it hears the next message


def test_an_unterminated_sysex_ends_at_the_next_status_byte():
    parser = MidiParser()
    assert parser.feed([0xF0, 0x43, 0x10]) == []
    assert parser.feed([0x11, 0x12]) == []                             # still inside the sysex
    assert parser.feed([0x80, 60, 0]) == [mido.Message("note_off", note=60, velocity=0)]
    assert parser.feed([0xF0, 1, 2, 0xF7]) == [] and parser.dropped == 1  # a whole sysex is no fault


def test_real_time_bytes_inside_a_message_and_running_status():
    parser = MidiParser()
    messages = parser.feed([0x90, 0xF8, 61, 90, 62, 80])
    assert [(m.type, getattr(m, "note", None)) for m in messages] == [("clock", None), ("note_on", 61), ("note_on", 62)]


def test_malformed_bytes_never_end_the_session_and_harmonize_still_answers():
    engine, output = engine_for("bach-harmony", mode="harmonize")
    runner = Runner(engine, MidiClock(4), MemoryInput())
    for data in ([0xE0, 5], [0xF1], [0xF2, 3], [0xF0, 0x43, 0x10], [0x90, 72, 90]):
        runner.handle_batch([(0.0, data)])
    assert runner.parser.dropped == 4 and engine.tracker.held  # the note after the junk got its voices


def solo_on_midi_clock():
    engine, output = engine_for(mode="solo")
    clock = MidiClock(4)
    runner = Runner(engine, clock, MemoryInput())
    runner.handle_batch([(0.0, [0xFA])])
    for tick in range(1, 60):
        runner.handle_batch([(tick * 0.02, [0xF8])])
    return engine, output, runner, clock


def test_clock_stop_or_stalled_ticks_release_the_companion():
    engine, output, runner, clock = solo_on_midi_clock()
    assert engine.tracker.sent_on
    runner.handle_batch([(1.3, [0xFC])])
    assert not engine.tracker.held
    runner.handle_batch([(1.4, [0xFB])])
    for tick in range(1, 30):
        runner.handle_batch([(1.4 + tick * 0.02, [0xF8])])
    last = 1.4 + 29 * 0.02
    assert clock.stalled(last + 1.1) and not clock.stalled(last + 0.8)  # two beats at 125 bpm are 0.96 s
    runner.pause()
    assert not engine.tracker.held


def test_start_while_an_answer_sounds_moves_the_answer_with_the_jump():
    engine, output = engine_for(mode="respond", answer_bars=1)
    clock = MidiClock(4)
    runner = Runner(engine, clock, MemoryInput())
    runner.handle_batch([(0.0, [0xFA])])
    events = [(0.1, [0x90, 67, 90]), (0.5, [0x80, 67, 0])]
    t, tick = 0.0, 0.02
    for n in range(1, 200):
        t = n * tick
        while events and events[0][0] <= t:
            runner.handle_batch([events.pop(0)])
        runner.handle_batch([(t, [0xF8])])
        if engine.tracker.held:
            break
    assert engine.tracker.held, "no answer started"
    pending = sorted(engine.part.schedule.changes)
    runner.handle_batch([(t + 0.001, [0xFA])])  # Start: back to 0 in the middle of the answer
    moved = sorted(engine.part.schedule.changes)
    assert [b - a for a, b in zip(moved, moved[1:])] == [b - a for a, b in zip(pending, pending[1:])]
    assert abs(moved[0] - (pending[0] - n / 6)) <= 0.5  # as far ahead of 0 as it was ahead of the old position
    for m in range(1, 200):  # the answer plays on from the new position and ends: nothing hangs
        runner.handle_batch([(t + m * tick, [0xF8])])
    assert not engine.tracker.held and not engine.part.schedule


def test_panic_in_solo_means_silence_until_the_player_plays_and_counts_what_it_released():
    engine, output = engine_for(mode="solo")
    clock = SimulatedClock()
    drive(engine, clock, [], 12)
    held = len(engine.tracker.held)
    assert held
    logged = []
    engine.log = logged.append
    drive(engine, clock, [(12.0, mido.Message("control_change", control=19, value=127))], 24, start=12)
    assert logged[0] == f"panic: released {held} note(s)"
    played = engine.tracker.sent_on
    assert engine.tracker.sent_on == played and not engine.tracker.held  # silent for 12 steps
    drive(engine, clock, [(24.1, mido.Message("note_on", note=60, velocity=80))], 36, start=24)
    assert engine.tracker.sent_on > played  # the player came back: so does the companion
