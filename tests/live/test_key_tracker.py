"""The companion follows a player who modulates, and keeps a player who does not."""
import mido
import numpy as np
from musigan.live.companion import companion_for
from musigan.live.engine import Engine
from musigan.live.key_tracker import KeyTracker
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset
from musigan.models.tonality import in_key_share

C_TUNE = [60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 71, 67, 65, 64]  # C major, one note a beat


def hear_all(pitches) -> KeyTracker:
    tracker = KeyTracker()
    for pitch in pitches:
        tracker.hear(pitch)
    return tracker


def test_a_passing_note_keeps_the_notes_heard_and_a_modulation_starts_afresh_by_its_second_note():
    assert hear_all(C_TUNE).key == (0, "major")
    passing = hear_all(C_TUNE + [66, 67, 64, 62, 60])                 # F#: a passing note
    assert len(passing.pitches) == 16 and passing.key == (0, "major")
    moved = hear_all(C_TUNE + [66, 68])                               # F#, G#: another key
    assert list(moved.pitches) == [66, 68] and moved.key != (0, "major")
    moved = hear_all(C_TUNE + [66, 68, 70, 71, 73, 75])               # F# major's scale
    assert moved.key in ((6, "major"), (3, "minor"), (1, "major"), (11, "major"))


def events_of(pitches, start_beat=0, q=4):
    events = []
    for i, pitch in enumerate(pitches):
        at = (start_beat + i) * q
        events += [(at + 0.05, mido.Message("note_on", note=pitch, velocity=80)),
                   (at + q - 0.4, mido.Message("note_off", note=pitch))]
    return events


def test_harmony_follows_a_tritone_modulation_within_a_few_beats():
    """Four bars in C major, then the same tune in F# major: from the fourth beat on, the voices are in
    F# major (before, they stayed in C major for two bars)."""
    preset, shares = get_preset("bach-harmony"), []
    tune = C_TUNE + [p + 6 for p in C_TUNE]
    for seed in range(4):
        clock = SimulatedClock()
        output = MemoryOutput(clock)
        engine = Engine(companion_for(preset, seed=seed), output.send, LiveSettings(mode="harmonize", voices=3))
        drive(engine, clock, events_of(tune), len(tune) * 4 + 4)
        voices = [n for p, n in output.notes() if p >= (16 + 3) * 4 and n not in tune]
        shares.append(in_key_share(voices, (6, "major")))
    assert np.mean(shares) >= 0.85, shares


def test_respond_answers_in_the_key_the_call_ended_in():
    preset, shares = get_preset("folk-lstm"), []
    call = C_TUNE[:12] + [p + 6 for p in C_TUNE[12:]]   # the last bar in F# major
    for seed in range(4):
        clock = SimulatedClock()
        output = MemoryOutput(clock)
        engine = Engine(companion_for(preset, seed=seed), output.send, LiveSettings(mode="respond", answer_bars=2))
        drive(engine, clock, events_of(call), (16 + 12) * 4)
        shares.append(in_key_share([n for p, n in output.notes() if p >= 16 * 4], (6, "major")))
    assert np.mean(shares) >= 0.7, shares
