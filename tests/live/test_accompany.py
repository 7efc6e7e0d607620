"""Accompany mode with the shipped folk-chords preset, on held-out O'Neill tunes played into the live
engine (simulated clock): chords on the beat at a tune's pace, over a bass, in the tune's key."""
import time

import mido
import numpy as np
import pytest
from musigan.live.clip_harmony import accompany_clip, melody_events
from musigan.live.companions import companion_for
from musigan.live.clock import InternalClock
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.live.view_feed import COMPANION, ViewFeed
from musigan.live.view_messages import state
from musigan.models import chords
from musigan.models.metre import Metre
from musigan.models.notes import VOICE
from musigan.models.presets import get_preset
from musigan.models.tonality import estimate_key, in_key_share
from musigan.train.accompaniment_stats import Accompaniment
from support import held_out_tunes


@pytest.fixture(scope="module")
def preset():
    return get_preset("folk-chords")


def test_held_out_tunes_get_chords_on_the_beat_at_a_songs_pace_over_a_bass_in_their_key(preset):
    """Chords a quarter of the melody would lie in at random hold about half of it (bench/accompany.py
    measures 0.5 on the beats over 30 held-out tunes; the tunes' own analysed chords 0.8)."""
    inside = []
    for tune in held_out_tunes():
        played = accompany_clip(companion_for(preset, seed=1), tune, "held", 3.0)
        accompaniment = Accompaniment.of(played, 0, [1])
        assert accompaniment.on_beat_share() == 1.0, tune.name
        assert 0.5 <= accompaniment.changes_per_bar() <= 2.5, (tune.name, accompaniment.changes_per_bar())
        inside.append(accompaniment.melody_in_chord(on_beats=True))
        chord_notes, bass = played.notes[played.notes[:, VOICE] == 1], played.notes[played.notes[:, VOICE] == 2]
        assert in_key_share(chord_notes[:, 0], estimate_key(tune)) >= 0.8, tune.name
        assert len(bass) and bass[:, 0].max() < chord_notes[:, 0].min()
        for pitch, start in bass[:, :2]:  # the bass plays the root of the chord above it
            assert chords.root_of(int(accompaniment.harmony[start])) == pitch % 12
    assert np.mean(inside) >= 0.4, inside


def engine_playing(preset, tune, comping: str, seed=2):
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(preset, seed=seed), output.send, LiveSettings(mode="accompany", comping=comping))
    drive(engine, clock, melody_events(tune), tune.total_steps)
    return engine, output


@pytest.mark.parametrize("comping", ["held", "pulse", "arpeggio"])
def test_each_comping_pattern_strikes_as_it_says_and_the_bass_goes_on_its_own_channel(preset, comping):
    tune = held_out_tunes(1)[0]
    per_beat = Metre(*tune.time_signature).steps_per_beat(2)
    engine, output = engine_playing(preset, tune, comping)
    chord_ons = [(p, m.note) for p, m in output.sent if m.type == "note_on" and m.velocity and m.channel == 0]
    bass_ons = [(p, m.note) for p, m in output.sent if m.type == "note_on" and m.velocity and m.channel == 1]
    assert bass_ons and max(n for _, n in bass_ons) < min(n for _, n in chord_ons)
    steps = sorted({round(p) for p, _ in chord_ons})
    if comping == "arpeggio":  # one tone a step, the beat's first on the beat
        assert all(len([n for p, n in chord_ons if round(p) == s]) == 1 for s in steps)
        assert len(steps) > 0.8 * (steps[-1] - steps[0])
    else:  # whole chords, on beats only; a pulse on every beat, held chords only when they change or a bar begins
        assert all(s % per_beat == 0 for s in steps)
        beats = (steps[-1] - steps[0]) // per_beat
        assert (len(steps) >= 0.9 * beats) if comping == "pulse" else (len(steps) < 0.8 * beats)
    engine.close()
    assert not engine.tracker.held


def test_the_band_stops_a_bar_after_the_player_and_comes_back_with_them(preset):
    tune = held_out_tunes(1)[0]
    bar = Metre(*tune.time_signature).steps_per_bar(2)
    first = melody_events(tune.slice_steps(0, 4 * bar))  # four bars, every key let go by their end
    again = [(p + 8 * bar, m) for p, m in first]
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion_for(preset, seed=3), output.send, LiveSettings(mode="accompany"))
    drive(engine, clock, first + again, 13 * bar)
    ons = [p for p, m in output.sent if m.type == "note_on" and m.velocity]
    silent = [p for p in ons if 6 * bar <= p < 8 * bar]
    assert not silent and any(p >= 8 * bar for p in ons) and any(p < 4 * bar for p in ons)
    engine.close()
    assert not engine.tracker.held


def test_the_comping_knob_changes_the_pattern_as_it_plays(preset):
    tune = held_out_tunes(1)[0]
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    settings = LiveSettings(mode="accompany")
    engine = Engine(companion_for(preset, seed=4), output.send, settings)
    knob = settings.controls["comping"]
    events = melody_events(tune)
    half = tune.total_steps // 2
    events += [(half + 0.01, mido.Message("control_change", control=knob, value=127))]
    drive(engine, clock, sorted(events, key=lambda e: e[0]), tune.total_steps)
    assert settings.comping == "arpeggio"
    later = {round(p) for p, m in output.sent if m.type == "note_on" and m.velocity and m.channel == 0 and p > half + 2}
    assert len(later) > 0.8 * (max(later) - min(later))  # a tone on nearly every step now


def test_a_chord_preset_keeps_to_accompany_and_accompany_to_a_chord_preset(preset):
    lines = []
    clock = SimulatedClock()
    chorale = companion_for(get_preset("bach-harmony"), seed=0)
    engine = Engine(chorale, MemoryOutput(clock).send, LiveSettings(mode="harmonize"), log=lines.append)
    engine.set_mode("accompany")
    assert engine.settings.mode == "harmonize" and "accompany needs a preset that plays chords" in lines[-1]
    engine.set_companion(companion_for(preset, seed=0))
    assert engine.companion is chorale and "folk-chords cannot; keeping bach-harmony" in lines[-1]
    chords_engine = Engine(companion_for(preset, seed=0), MemoryOutput(clock).send, LiveSettings(mode="accompany"),
                           log=lines.append)
    for mode in ("solo", "respond", "harmonize"):
        chords_engine.set_mode(mode)
        assert chords_engine.settings.mode == "accompany", lines[-1]


def test_the_chords_follow_a_tune_played_in_another_key(preset):
    """The preset learnt in C / Am: a tune a fifth up is heard in its own key and answered there."""
    tune = held_out_tunes(1)[0].transpose(7)
    played = accompany_clip(companion_for(preset, seed=5), tune, "held", 3.0)
    chord_notes = played.notes[played.notes[:, VOICE] == 1, 0]
    assert in_key_share(chord_notes, estimate_key(tune)) >= 0.8
    assert np.unique(chord_notes % 12).size >= 4


def test_the_view_names_the_chord_it_plays_and_colours_the_bass_apart(preset):
    tune = held_out_tunes(1)[0]
    clock = SimulatedClock()
    engine = Engine(companion_for(preset, seed=6), MemoryOutput(clock).send, LiveSettings(mode="accompany"))
    feed = ViewFeed()
    engine.show_to(feed)
    drive(engine, clock, melody_events(tune), 16)
    shown = state(engine, InternalClock(110, 2, time.perf_counter()))
    assert shown["chord"] == engine.companion.chord_name and shown["chord"] not in (None, "N.C.")
    notes = [event[1:] for event in feed.events if event[0] == "note"]
    voices = {(pitch, voice) for who, pitch, on, _, voice in notes if who == COMPANION and on}
    assert {voice for _, voice in voices} == {0, 1}
    assert max(p for p, v in voices if v == 1) < min(p for p, v in voices if v == 0)
