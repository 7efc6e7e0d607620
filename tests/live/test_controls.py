"""Magenta's controls and more, on the simulated clock with in-memory ports: loop, mutate, listening
bounds, the state CC, control learn, and clock out with a gliding tempo."""
import mido
import pytest
from musigan.live.clock import InternalClock
from musigan.live.clock_out import ClockOut
from musigan.live.companions import companion_for
from musigan.live.controls import ControlError, check, learn, load, save
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset
from musigan.models.tonality import in_key_share

CC = LiveSettings().controls


CALL = (60, 64, 67, 65, 64, 62, 60, 62)


def call(pitches=CALL, start=0.0, length=4):
    """A call in C major, one note a beat (16th grid), released a little early as players do."""
    events = []
    for i, pitch in enumerate(pitches):
        events += [(start + i * length + 0.1, mido.Message("note_on", note=pitch, velocity=80)),
                   (start + i * length + length - 0.5, mido.Message("note_off", note=pitch))]
    return events


def cc(position, name, value):
    return position, mido.Message("control_change", control=CC[name], value=value)


def session(events, steps, preset="folk-lstm", seed=5, **settings):
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset(preset), seed=seed), output.send,
                    LiveSettings(**{"mode": "respond", "answer_bars": 1, **settings}))
    drive(engine, clock, events, steps)
    return engine, output


def onsets_between(output, begin, end, channel=0):
    return [(p - begin, m.note) for p, m in output.sent
            if m.type == "note_on" and m.velocity > 0 and m.channel == channel and begin <= p < end]


def test_loop_repeats_the_last_answer_exactly_on_the_bar_until_loop_off():
    events = call() + [cc(40.0, "loop", 127), cc(100.0, "loop", 0)]
    engine, output = session(events, 160)
    answer_start = 32  # the call ends 31.5; the 0.7-beat gap ends on step 34 at the latest
    first = [(p, m.note) for p, m in output.sent if m.type == "note_on" and m.velocity > 0]
    begin = int(first[0][0])
    assert answer_start <= begin <= 35
    original = onsets_between(output, begin, begin + 16)
    assert original
    repeats = [onsets_between(output, bar, bar + 16) for bar in (64, 80, 96)]
    assert repeats == [original] * 3            # exactly, on each bar, while loop is on
    assert not onsets_between(output, 112, 160)  # loop off: the pass under way ends, no more


def test_mutate_keeps_length_and_key_but_varies_the_answer():
    events = call() + [cc(40.0, "mutate", 127)]
    engine, output = session(events, 100)
    begin = int(onsets_between(output, 0, 48)[0][0])
    original = onsets_between(output, begin, 48)
    variation = onsets_between(output, 48, 100)
    assert variation and variation[:len(original)] != original[:len(variation)]
    # as long as the answer: sampled from the same call, from the bar, and over when the answer would be
    assert max(p for p, _ in variation) < 16 and len(engine.part.looper.frames) == 16
    assert in_key_share([n for _, n in variation], (0, "major")) >= 0.8


def test_a_call_shorter_than_min_listen_waits_and_max_listen_cuts_in():
    short = call(pitches=(60, 62, 64, 65))  # one bar
    _, output = session(short, 48, min_listen_bars=2)
    assert not onsets_between(output, 0, 48)  # one bar is not enough: it goes on listening
    _, output = session(short + call(pitches=(67, 65, 64, 62), start=20.0), 80, min_listen_bars=2)
    assert onsets_between(output, 36, 80)     # the call went on past two bars: answered
    # a player who never stops: past max-listen it answers over them, and their notes do not cut it off
    endless = call(pitches=(60, 62, 64, 65, 67, 69, 71, 72) * 2)
    engine, output = session(endless, 64, max_listen_bars=1)
    cut_in = onsets_between(output, 16, 64)
    assert cut_in and min(p for p, _ in cut_in) < 2
    assert len(cut_in) >= 3


def test_state_cc_says_listening_answering_looping_and_silenced():
    events = call() + [cc(40.0, "loop", 127), cc(70.0, "panic", 127)]
    engine, output = session(events, 80, state_cc=30)
    said = [m.value for _, m in output.sent if m.type == "control_change" and m.control == 30]
    assert said == [0, 64, 96, 127]


def test_solo_loop_repeats_its_last_bars_and_mutate_rewrites_one_pass():
    """A quarter-note grid, four steps a bar: loop on at 33 repeats bar 32..35 from 36; mutate at 70
    samples the pass from 72 afresh, and that pass is the loop from then on."""
    events = [cc(33.0, "loop", 127), cc(70.0, "mutate", 127)]
    engine, output = session(events, 140, preset="bach-chorales-gru", seed=3, mode="solo", loop_bars=1)
    passes = [onsets_between(output, bar, bar + 4) for bar in range(36, 72, 4)]
    assert passes[0] and all(p == passes[0] for p in passes)
    mutated = [onsets_between(output, bar, bar + 4) for bar in range(72, 140, 4)]
    assert mutated[0] != passes[0] and all(p == mutated[0] for p in mutated)
    engine.close()
    assert not engine.tracker.held


def test_learn_takes_the_cc_each_control_moves_and_the_mapping_reloads(tmp_path):
    turns = [[70, 70, 70], [70, 71], [], [64, 72], []]  # a knob still turning, the pedal: not answers
    polls = iter(turns + [[]] * 1000)
    now = [0.0]

    def clock():
        now[0] += 0.05
        return now[0]

    asked = []
    mapping = learn(lambda: [mido.Message("control_change", control=c, value=5) for c in next(polls)],
                    asked.append, 1.0, names=("temperature", "answer", "mode", "panic"), clock=clock, idle=lambda: None)
    assert (mapping["temperature"], mapping["answer"], mapping["mode"]) == (70, 71, 72)
    assert mapping["panic"] == 19  # nothing moved: it keeps its CC
    assert any("temperature" in line for line in asked)
    path = save(tmp_path / "controls.yaml", mapping)
    assert load(path) == mapping


@pytest.mark.parametrize("text, message", [
    ("temperature: 64\n", "temperature is CC 64, the sustain pedal"),
    ("loop: 16\n", "temperature and loop are both CC 16"),
    ("volume: 7\n", "unknown control 'volume'"),
    ("tempo: 300\n", "tempo must be a CC number 0..127"),
])
def test_a_bad_mapping_is_one_line_naming_the_control(tmp_path, text, message):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    with pytest.raises(ControlError, match=message) as error:
        load(path)
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def test_learned_mappings_move_the_engines_knobs():
    mapping = check({"temperature": 70, "loop": 16})
    clock = SimulatedClock()
    engine = Engine(companion_for(get_preset("folk-lstm"), seed=1), MemoryOutput(clock).send,
                    LiveSettings(controls=mapping))
    engine.on_message(mido.Message("control_change", control=70, value=0), 0.0)
    assert engine.companion.temperature == pytest.approx(0.1)
    engine.on_message(mido.Message("control_change", control=16, value=127), 0.0)
    assert engine.part.looper.on and engine.companion.temperature == pytest.approx(0.1)


def test_the_density_knob_scales_what_the_companion_plays():
    """Solo on the chorale model, the knob turned at once: 16 and 96 ask for 0.59x and 1.41x the
    corpus's notes per bar (the knob's 0.5x..2x; at 2x four notes a step cap a chorale model)."""
    def played(value):
        engine, output = session([cc(0.0, "density", value)], 160, preset="bach-chorales-gru", seed=2, mode="solo")
        assert engine.companion.density_scale == pytest.approx(2 ** ((value - 64) / 64), abs=1e-3)
        return len(onsets_between(output, 32, 160)) / 32   # per bar (4 steps), after the governor settles

    corpus = get_preset("bach-chorales-gru").card()["data"]["notes_per_bar"]
    assert played(16) == pytest.approx(0.595 * corpus, rel=0.15)
    assert played(96) == pytest.approx(1.414 * corpus, rel=0.15)


def tick_times(clock, clock_out, seconds, glide_at=None):
    """Run the runner's timing on a fake time line: ticks as they fall due, steps beginning."""
    times, step, t = [], 0, 0.0
    clock_out.send = lambda message: times.append(t) if message.type == "clock" else None
    while t < seconds:
        clock_out.send_due(t)
        while clock.next_step_time(step) <= t:
            clock.begin_step(step)
            if glide_at is not None and step == glide_at[0]:
                clock.glide_to(glide_at[1], glide_at[2])
            step += 1
        t += 0.0005
    return times


def test_clock_out_ticks_24_a_quarter_at_the_set_tempo():
    clock = InternalClock(120, 4, 0.0)
    times = tick_times(clock, ClockOut(None, clock), 2.0)
    assert len(times) == 96  # 2 s at 120 bpm: 4 quarters, 24 ticks each
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert all(abs(g - 0.5 / 24) < 0.001 for g in gaps)


def test_a_tempo_change_glides_and_never_jumps():
    clock = InternalClock(120, 4, 0.0)
    times = tick_times(clock, ClockOut(None, clock), 6.0, glide_at=(8, 60, 16))  # at beat 2: to 60 over 4 beats
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert abs(gaps[0] - 0.5 / 24) < 0.001 and abs(gaps[-1] - 1.0 / 24) < 0.001
    assert all(b >= a - 0.0006 for a, b in zip(gaps, gaps[1:]))          # slowing, never speeding up
    assert max(b / a for a, b in zip(gaps, gaps[1:])) < 1.15              # no jump between two ticks
    assert clock.bpm == 60


def test_clock_out_starts_the_daws_transport_on_a_bar_line_and_stops_it():
    sent = []
    clock_out = ClockOut(sent.append, InternalClock(120, 4, 0.0))
    clock_out.send_due(0.3)          # ticking from launch, the transport not started: nothing played yet
    clock_out.cue()                  # the player's first note
    clock_out.send_due(2.5)
    clock_out.stop()
    clock_out.stop()
    kinds = [m.type for m in sent]
    assert "continue" not in kinds[:15] and kinds.count("clock") == 121
    at = kinds.index("songpos")
    assert kinds[at:at + 3] == ["songpos", "continue", "clock"] and kinds[:at].count("clock") == 96  # bar 2
    assert sent[at].pos == 16 and kinds[-1] == "stop" and kinds.count("stop") == 1


def test_the_readme_documents_every_control_as_the_code_defines_it():
    from pathlib import Path

    from musigan.live.controls import controls_table

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert readme.split("<!-- controls -->\n", 1)[1].split("\n<!-- /controls -->", 1)[0] == controls_table()


def test_the_memory_knob_makes_an_answer_borrow_the_call_and_is_ignored_by_a_gan():
    """A call that goes up and down in thirds: with the memory knob up (CC 26 at 127), the answer's
    steps from note to note are the call's more often than with it down (0); a GAN has no memory."""
    thirds = (60, 64, 67, 64, 60, 64, 67, 64, 60, 64, 67, 64)

    def answer_intervals(value):
        reuse = []
        for seed in range(4):
            engine, output = session([cc(0, "memory", value)] + call(thirds), 12 * 4 + 40, seed=seed, answer_bars=2)
            assert engine.companion.memory_amount == round(value / 127, 3)
            played = [note for position, note in output.notes() if position >= 12 * 4]
            steps = [b - a for a, b in zip(played, played[1:])]
            reuse.append(sum(abs(step) in (3, 4, 7) for step in steps) / max(len(steps), 1))
        return sum(reuse) / len(reuse)

    assert answer_intervals(127) > answer_intervals(0) + 0.2
    engine, _ = session([cc(0, "memory", 127)], 8, preset="bach-gan")
    assert engine.companion.memory_amount == 0.0


def test_a_knob_read_back_from_the_session_turns_it_to_the_same_setting():
    """The view's sliders stand where `positions` says: turning a knob to that value again must leave
    the session as it was, for every value the knob can take."""
    from musigan.live.knobs import MOMENTARY, positions

    engine = Engine(companion_for(get_preset("folk-lstm"), seed=1), MemoryOutput(SimulatedClock()).send,
                    LiveSettings(mode="respond"))
    clock = {"bpm": 100.0}
    engine.route(tempo=lambda bpm: clock.update(bpm=bpm))  # where the internal clock would glide to

    def setting(name):
        companion, settings = engine.companion, engine.settings
        return {"temperature": companion.temperature, "answer": settings.answer_bars, "mode": settings.mode,
                "loop": engine.part.looper.on, "min_listen": settings.min_listen_bars,
                "max_listen": settings.max_listen_bars, "density": companion.density_scale,
                "memory": companion.memory_amount, "tempo": clock["bpm"], "comping": settings.comping}[name]

    for name in sorted(set(positions(engine, clock["bpm"])) - set(MOMENTARY)):
        for value in range(0, 128, 7):
            engine.turn(name, value)
            before = setting(name)
            stands = positions(engine, clock["bpm"])[name]
            engine.turn(name, stands)
            assert setting(name) == (pytest.approx(before) if isinstance(before, float) else before), (name, value, stands)
