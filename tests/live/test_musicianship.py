"""What the companion plays, as a musician hears it: the voices asked for, no silence when the
temperature knob goes down, no note that outlives the music, answers on time."""
import mido
import numpy as np
import pytest
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.generation import generate_piece
from musigan.models.presets import get_preset, load_presets
from musigan.train.corpus import load_corpus
from musigan.train.corpus_stats import bar_densities
from musigan.train.density_calibration import notes_per_bar_from_silence


@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n, p in sorted(load_presets().items())
                                  if p.trained and not p.encoding().plays_chords])
def test_at_every_temperature_a_preset_plays_as_densely_as_its_corpus(name):
    """Notes per bar from silence, at a cold, the preset's and a hot knob, inside the interquartile
    range of the same measure over 8-bar stretches of its corpus's test split. (A chord preset plays
    chords under the player's melody: how often they change is `bench/accompany.py`'s to measure.)"""
    preset = get_preset(name)
    pieces = load_corpus(preset.source(), steps_per_quarter=preset.config.data.steps_per_quarter,
                         progress=False).split("test")
    low, high = np.percentile(bar_densities(pieces), [25, 75])
    for temperature in (0.1, 1.0, 2.0):
        assert low <= notes_per_bar_from_silence(preset, temperature, range(64)) <= high, (temperature, low, high)


def harmonize_legato_with_early_releases(voices: int, seed: int):
    """A player who lets go a tenth of a step early and strikes the next note a little late, as every
    real player (and the demo) does: the melody of a chorale line in quarter notes."""
    engine = Engine(companion_for(get_preset("bach-harmony"), seed=seed), MemoryOutput(SimulatedClock()).send,
                    LiveSettings(mode="harmonize", voices=voices))
    melody = [67, 67, 69, 71, 72, 71, 69, 67, 69, 71, 72, 74, 72, 71, 69, 67]
    events = []
    for i, pitch in enumerate(melody):
        events += [(i * 4 + 0.05, mido.Message("note_on", note=pitch, velocity=80)),
                   (i * 4 + 3.9, mido.Message("note_off", note=pitch))]
    counts = []

    def count_voices(line):  # "heard G4 at bar 1 beat 1; voices under it D4 B3 G2" (or "... it none")
        if "voices under it " in line:
            named = line.split("voices under it ")[1].split()
            counts.append(0 if named == ["none"] else len(named))

    engine.log = count_voices
    drive(engine, SimulatedClock(), events, len(melody) * 4)
    return counts


@pytest.mark.parametrize("voices", [1, 2, 3])
def test_harmonize_writes_the_parts_asked_for_with_early_releases(voices):
    counts = [c for seed in range(3) for c in harmonize_legato_with_early_releases(voices, seed)]
    assert len(counts) == 48
    assert sum(c == voices for c in counts) >= 0.95 * len(counts), counts


def respond(events, steps=96, preset="folk-lstm"):
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset(preset), seed=5), output.send, LiveSettings(mode="respond", answer_bars=1))
    drive(engine, clock, events, steps)
    return [position for position, _ in output.notes()]


@pytest.mark.parametrize("last_off", [13.0, 13.3, 13.6, 13.9, 14.5])
def test_respond_answers_within_a_beat_of_the_last_note_off(last_off):
    """A 16th grid: four steps a beat. The phrase's last release anywhere inside a beat."""
    phrase = [(0.1, mido.Message("note_on", note=60, velocity=80)), (5.0, mido.Message("note_off", note=60)),
              (6.0, mido.Message("note_on", note=64, velocity=80)), (last_off, mido.Message("note_off", note=64))]
    answer = respond(phrase)
    assert answer and last_off < min(answer) <= last_off + 4, (last_off, answer[:3])


def test_respond_does_not_cut_in_over_a_half_beat_rest():
    phrase = [(0.1, mido.Message("note_on", note=60, velocity=80)), (4.0, mido.Message("note_off", note=60)),
              (6.0, mido.Message("note_on", note=62, velocity=80)), (10.0, mido.Message("note_off", note=62)),
              (12.0, mido.Message("note_on", note=64, velocity=80)), (16.0, mido.Message("note_off", note=64))]
    answer = respond(phrase)
    assert answer and min(answer) >= 16.0  # the two half-beat rests were inside the phrase


@pytest.mark.parametrize("name", ["folk-lstm", "bach-chorales-gru", "jsb-gru-sigmoid"])
def test_no_note_outlives_the_music(name):
    """Offline every note ends by the corpus's longest usual note; live the companion lets go of one too."""
    from musigan.models.generation import max_note_steps

    preset = get_preset(name)
    longest = max_note_steps(preset)
    for seed in range(3):
        notes = generate_piece(preset, 16, None, seed, 0.3).notes
        assert (notes[:, 2] - notes[:, 1]).max() <= longest
    companion = companion_for(preset, seed=1)
    companion.max_note_steps = 3
    for _ in range(64):
        companion.step()
        assert max(companion.held_for.values(), default=0) <= 3


@pytest.mark.parametrize("velocity, low, high", [(30, 1, 45), (110, 95, 127)])
def test_answers_follow_the_players_dynamics(velocity, low, high):
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset("folk-lstm"), seed=5), output.send, LiveSettings(mode="respond"))
    phrase = []
    for i, pitch in enumerate((60, 62, 64, 65)):
        phrase += [(i * 4 + 0.1, mido.Message("note_on", note=pitch, velocity=velocity)),
                   (i * 4 + 3.5, mido.Message("note_off", note=pitch))]
    drive(engine, clock, phrase, 64)
    answered = [m.velocity for _, m in output.sent if m.type == "note_on" and m.velocity > 0]
    assert answered and all(low <= v <= high for v in answered), answered


def test_a_fixed_velocity_overrides_the_players_dynamics():
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset("bach-harmony"), seed=5), output.send,
                    LiveSettings(mode="harmonize", velocity=64))
    drive(engine, clock, [(0.1, mido.Message("note_on", note=72, velocity=120))], 2)
    assert {m.velocity for _, m in output.sent if m.type == "note_on"} == {64}


def test_metronome_clicks_each_beat_with_an_accented_downbeat_and_solo_waits_for_the_count_in():
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset("bach-chorales-gru"), seed=2), output.send,  # a quarter-note grid
                    LiveSettings(mode="solo", metronome=True, count_in_bars=1))
    drive(engine, clock, [], 12)
    engine.close()
    clicks = [(p, m.velocity) for p, m in output.sent if m.type == "note_on" and m.channel == 9 and m.note == 76]
    assert clicks == [(float(step), 110 if step % 4 == 0 else 70) for step in range(12)]
    played = [p for p, m in output.sent if m.type == "note_on" and m.channel == 0]
    assert played and min(played) >= 4.0  # the companion starts on the bar after the count-in
    assert not engine.tracker.held


def test_voices_on_their_own_channels_and_tracks(tmp_path):
    from musigan.live.recorder import Recorder

    clock = SimulatedClock()
    output = MemoryOutput(clock)
    recorder = Recorder(tmp_path / "s.mid", 4, 100)
    engine = Engine(companion_for(get_preset("bach-harmony"), seed=4), output.send,
                    LiveSettings(mode="harmonize", voices=3, voice_channels=(1, 2, 3)), recorder)
    drive(engine, clock, [(0.1, mido.Message("note_on", note=72, velocity=90)), (3.9, mido.Message("note_off", note=72))], 5)
    ons = [(m.channel, m.note) for _, m in output.sent if m.type == "note_on" and m.velocity > 0]
    assert [channel for channel, _ in ons] == [1, 2, 3]
    assert [note for _, note in ons] == sorted((note for _, note in ons), reverse=True)  # alto, tenor, bass
    offs = {(m.channel, m.note) for _, m in output.sent if m.type == "note_off"}
    assert set(ons) <= offs  # each released on the channel it started on
    names = [track.name for track in mido.MidiFile(recorder.save()).tracks]
    assert {"player", "musigan ch2", "musigan ch3", "musigan ch4"} <= set(names)


A_MINOR_CALL = ((69, 72, 71, 69, 68, 69, 64, 69), (9, "minor"))     # with its leading tone, G sharp
E_FLAT_MAJOR_CALL = ((63, 67, 70, 68, 67, 65, 62, 63), (3, "major"))


def answer_in_key(preset: str, call, key, pull: float, seeds=range(4)):
    from musigan.models.tonality import in_key_share

    notes = []
    for seed in seeds:
        clock = SimulatedClock()
        output = MemoryOutput(clock)
        companion = companion_for(get_preset(preset), seed=seed)
        engine = Engine(companion, output.send, LiveSettings(mode="respond", answer_bars=2, key_pull=pull))
        q = companion.steps_per_quarter
        events = [e for i, pitch in enumerate(call) for e in (
            (i * q + 0.05, mido.Message("note_on", note=pitch, velocity=80)),
            (i * q + 0.9 * q, mido.Message("note_off", note=pitch)))]
        drive(engine, clock, events, 24 * q)
        notes += [m.note for _, m in output.sent if m.type == "note_on" and m.velocity > 0]
    return in_key_share(notes, key), len(notes)


@pytest.mark.parametrize("preset", ["folk-lstm", "bach-gan", "bach-chorales-gru"])
@pytest.mark.parametrize("call", [A_MINOR_CALL, E_FLAT_MAJOR_CALL], ids=["A minor", "E flat major"])
def test_answers_are_in_the_players_key(preset, call):
    share, count = answer_in_key(preset, *call, LiveSettings().key_pull)
    alone, _ = answer_in_key(preset, *call, 0.0)
    assert count >= 8 and share >= 0.85 and share >= alone, (share, alone, count)
