"""The live engine on a simulated clock with in-memory ports: deterministic timing, real presets."""
from collections import Counter

import mido
import pytest
from musigan.live.clock import InternalClock, MidiClock
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.recorder import Recorder
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset


def on(pitch, velocity=90):
    return mido.Message("note_on", note=pitch, velocity=velocity)


def off(pitch):
    return mido.Message("note_off", note=pitch)


def cc(control, value):
    return mido.Message("control_change", control=control, value=value)


def setup(preset="bach-harmony", recorder=None, **settings):
    companion = companion_for(get_preset(preset), seed=1)
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(**settings), recorder)
    return engine, clock, output


def balance(output) -> Counter:
    """Per pitch: note-ons minus note-offs sent. All zero means nothing is left hanging."""
    count = Counter()
    for _, message in output.sent:
        if message.type == "note_on" and message.velocity > 0:
            count[message.note] += 1
        elif message.type in ("note_on", "note_off"):
            count[message.note] -= 1
    return +count


def test_harmonize_adds_voices_under_each_note_at_once_and_releases_them_with_it():
    engine, clock, output = setup(mode="harmonize", voices=3)
    drive(engine, clock, [(4.2, on(72))], 6)
    voices = [n for p, n in output.notes() if p == 4.2]
    assert 1 <= len(voices) <= 3 and all(v < 72 for v in voices)
    for melody in range(60, 84):  # every struck note gets at least one voice
        assert list(engine.companion.voices_under(melody, 3))
    chord = [72, *sorted(voices, reverse=True)]  # the chorales' spacing: upper voices an octave apart at most
    assert all(upper - lower <= (12 if i < 2 else 24) for i, (upper, lower) in enumerate(zip(chord, chord[1:])))
    drive(engine, clock, [(8.5, off(72))], 10, start=6)
    assert sorted(n for p, n in output.notes("note_off") if p == 8.5) == sorted(voices)
    assert not balance(output)


def test_harmonize_honours_the_sustain_pedal():
    engine, clock, output = setup(mode="harmonize")
    drive(engine, clock, [(0.1, cc(64, 127)), (0.2, on(67)), (2.0, off(67))], 4)
    assert output.notes() and not output.notes("note_off")  # pedal down: voices ring on
    drive(engine, clock, [(5.0, cc(64, 0))], 6, start=4)
    assert [p for p, _ in output.notes("note_off")] == [5.0] * len(output.notes())
    assert not balance(output)


def phrase(start=0.0, pitches=(67, 69, 71, 72), length=4):
    events = []
    for i, pitch in enumerate(pitches):
        events += [(start + i * length + 0.1, on(pitch)), (start + (i + 1) * length - 0.5, off(pitch))]
    return events


def test_respond_answers_on_the_grid_after_the_gap_for_the_set_length():
    engine, clock, output = setup(mode="respond", answer_bars=2, phrase_gap_beats=1)
    drive(engine, clock, phrase(), 64)
    starts = [p for p, _ in output.notes()]
    assert starts, "no answer"
    assert min(starts) >= 15.5 + 4 and min(starts) % 4 == 0        # after the gap, on a beat
    assert max(p for p, _ in output.notes("note_off")) <= min(starts) + 32  # two bars of 16ths
    assert not balance(output) and not engine.tracker.held


def test_player_coming_back_in_cuts_the_answer_short():
    engine, clock, output = setup(mode="respond", answer_bars=4)
    drive(engine, clock, phrase(), 27)                    # up to and with step 26
    assert engine.answering
    sent_before = len(output.sent)
    drive(engine, clock, [(26.3, on(60))], 60, start=27)  # the player comes back in, mid-step
    later_ons = [p for p, m in output.sent[sent_before:] if m.type == "note_on" and p > 26.3]
    assert not later_ons                                  # nothing more of the old answer
    assert not balance(output)                            # and what was sounding was released at once
    assert all(p == 26.3 for p, m in output.sent[sent_before:] if m.type == "note_off")


def test_solo_plays_by_itself_inside_the_pitch_range():
    engine, clock, output = setup(preset="bach-chorales-gru", mode="solo")
    drive(engine, clock, [], 48)
    assert len(output.notes()) > 10
    assert all(36 <= n <= 96 for _, n in output.notes())
    engine.close()
    assert not balance(output)


def test_keyboard_controls_change_temperature_length_mode_and_panic():
    engine, clock, output = setup(mode="harmonize")
    drive(engine, clock, [(0.1, cc(16, 127)), (0.2, cc(17, 127)), (0.3, on(70))], 2)
    assert engine.companion.sampler.temperature == pytest.approx(2.0)
    assert engine.settings.answer_bars == 8
    assert engine.tracker.held
    drive(engine, clock, [(2.1, cc(19, 127))], 3, start=2)  # panic
    assert not engine.tracker.held and not balance(output)
    assert any(m.type == "control_change" and m.control == 123 for _, m in output.sent)
    drive(engine, clock, [(3.1, on(70)), (3.2, cc(18, 0))], 4, start=3)  # mode switch releases voices
    assert engine.settings.mode == "respond" and not engine.tracker.held and not balance(output)


def test_program_change_switches_preset_without_hanging_notes():
    engine, clock, output = setup(mode="harmonize")
    asked = []
    engine.on_program = asked.append
    drive(engine, clock, [(0.1, on(72)), (0.5, mido.Message("program_change", program=1))], 1)
    assert asked == [1] and engine.tracker.held
    engine.set_companion(companion_for(get_preset("bach-chorales-gru"), seed=2))
    assert not engine.tracker.held and not balance(output)
    assert engine.companion.name == "bach-chorales-gru"
    engine.set_companion(companion_for(get_preset("folk-lstm"), seed=2))  # events: cannot harmonize
    assert engine.companion.name == "bach-chorales-gru"


def test_input_channel_filter():
    engine, clock, output = setup(mode="harmonize", channel_in=1)
    drive(engine, clock, [(0.1, on(72)), (0.2, mido.Message("note_on", channel=1, note=74, velocity=80))], 1)
    assert engine.notes_in == 1 and all(n < 74 for _, n in output.notes())


def test_midi_clock_follows_start_ticks_song_position_and_tempo():
    clock = MidiClock(steps_per_quarter=4)
    assert clock.feed(mido.Message("start"), 0.0) == 0
    tick = 60 / 90 / 24  # 90 bpm
    steps = [clock.feed(mido.Message("clock"), (i + 1) * tick) for i in range(48)]
    assert [s for s in steps if s is not None] == list(range(1, 9))  # a 16th every 6 ticks
    assert clock.bpm == pytest.approx(90, rel=0.02)
    assert clock.position(48 * tick + tick / 2) == pytest.approx(8 + 1 / 12, abs=0.01)
    clock.feed(mido.Message("stop"), 1.0)
    assert clock.feed(mido.Message("clock"), 1.01) is None
    clock.feed(mido.Message("songpos", pos=16), 1.1)  # bar 2 in 16ths
    clock.feed(mido.Message("continue"), 1.2)
    assert [clock.feed(mido.Message("clock"), 1.2 + i * tick) for i in range(1, 7)][-1] == 17
    with pytest.raises(ValueError, match="dividing 24"):
        MidiClock(steps_per_quarter=5)


def test_internal_clock_grid():
    clock = InternalClock(bpm=120, steps_per_quarter=4, start=10.0)
    assert clock.next_step_time(8) == pytest.approx(11.0)
    assert clock.position(10.25) == pytest.approx(2.0)


def test_recording_keeps_player_and_companion_on_separate_tracks(tmp_path):
    recorder = Recorder(tmp_path / "session.mid", 4, 100)
    engine, clock, output = setup(mode="harmonize", recorder=recorder)
    drive(engine, clock, [(0.1, on(72)), (3.9, off(72))], 5)
    engine.close()
    midi = mido.MidiFile(recorder.save())
    names = [track.name for track in midi.tracks]
    assert names[1:] == ["player", "musigan"]
    player_notes = [m.note for m in midi.tracks[1] if m.type == "note_on" and m.velocity > 0]
    companion_notes = [m.note for m in midi.tracks[2] if m.type == "note_on" and m.velocity > 0]
    assert player_notes == [72] and companion_notes == [n for _, n in output.notes()]
