"""A preset's metre: its bar and beat in grid steps, the preset key that sets it, and the engine
counting and clicking in it."""
import pytest

from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.metre import Metre
from musigan.models.presets import PresetError, get_preset, load_presets


def test_bars_and_beats_of_simple_and_compound_metres():
    assert (Metre.parse("4/4").steps_per_bar(4), Metre.parse("4/4").steps_per_beat(4)) == (16, 4)
    assert (Metre.parse("3/4").steps_per_bar(24), Metre.parse("3/4").beats_per_bar()) == (72, 3)
    six_eight = Metre.parse(" 6 / 8 ")
    assert six_eight.compound and six_eight.beats_per_bar() == 2 and six_eight.steps_per_beat(4) == 6
    assert not Metre.parse("3/8").compound and Metre.parse("3/8").steps_per_bar(4) == 6
    for bad, reason in (("7", "not a metre"), ("3/5", "beat note"), ("0/4", "1 to 32")):
        with pytest.raises(ValueError, match=reason):
            Metre.parse(bad)
    with pytest.raises(ValueError, match="not a whole number of steps"):
        Metre.parse("5/8").steps_per_bar(1)


def test_a_metre_the_grid_cannot_hold_is_named_with_its_key(tmp_path):
    config = tmp_path / "p.yaml"
    config.write_text("odd:\n  data: {source: x, steps_per_quarter: 1, metre: '5/8', encoding: {name: events}}\n")
    with pytest.raises(PresetError, match=r"odd.data.metre: a bar of 5/8 is not a whole number of steps"):
        load_presets([config])
    config.write_text("gan12:\n  data: {source: x, steps_per_quarter: 12, metre: '6/8', "
                      "encoding: {name: pianoroll, width: 88}}\n  model: {kind: gan}\n")
    assert get_preset("gan12", [config]).steps_per_bar == 36  # a GAN on any grid, in any metre


def test_in_six_eight_the_engine_clicks_each_dotted_quarter_and_counts_two_beats(tmp_path):
    config = tmp_path / "p.yaml"
    config.write_text("folk-lstm:\n  data: {metre: '6/8'}\n")
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(get_preset("folk-lstm", [config]), seed=1), output.send,
                    LiveSettings(mode="solo", metronome=True))
    drive(engine, clock, [], 24)
    clicks = [(p, m.velocity) for p, m in output.sent
              if m.type == "note_on" and m.velocity and m.channel == engine.settings.click_channel]
    assert clicks == [(0.0, 110), (6.0, 70), (12.0, 110), (18.0, 70)]
    assert engine.where(18) == "bar 2 beat 2" and engine.steps_per_bar == 12
