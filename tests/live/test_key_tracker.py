"""The companion follows a player who modulates, and keeps a player who does not."""
import mido
import numpy as np
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.key_tracker import KeyTracker
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import get_preset
from musigan.models.tonality import KEYS, in_key_share, scale_classes

C_TUNE = [60, 62, 64, 65, 67, 65, 64, 62, 60, 64, 67, 72, 71, 67, 65, 64]  # C major, one note a beat


def likeliest(tracker: KeyTracker) -> tuple[int, str]:
    return KEYS[int(np.argmax(tracker.belief.chances))]


def hear_all(pitches) -> KeyTracker:
    tracker = KeyTracker()
    for pitch in pitches:
        tracker.hear(pitch)
    return tracker


def test_a_passing_note_keeps_the_key_and_a_modulation_starts_afresh_by_its_second_note():
    assert likeliest(hear_all(C_TUNE)) == (0, "major")
    passing = hear_all(C_TUNE + [66, 67, 64, 62, 60])                 # F#: a passing note, by step
    assert len(passing.pitches) == 16 and likeliest(passing) == (0, "major")
    moved = hear_all(C_TUNE + [66, 68])                               # F#, G#: another key
    assert list(moved.pitches) == [66, 68] and likeliest(moved) != (0, "major")
    moved = hear_all(C_TUNE + [66, 68, 70, 71, 73, 75])               # F# major's scale
    assert likeliest(moved) in ((6, "major"), (3, "minor"))
    assert (moved.belief.in_key > 0.9).sum() >= 6 and moved.belief.in_key[[0, 2, 7, 9]].max() < 0.2
    assert 0.2 < moved.belief.in_key[4] < 0.8    # E: B major's, not F# major's; no E sharp was heard


C_MAJOR = scale_classes((0, "major"))
OUTSIDE_C = [pc for pc in range(12) if not C_MAJOR[pc]]


def test_no_single_chromatic_note_by_step_moves_the_key_and_any_two_in_a_row_do():
    """Whatever the chromatic note (C# to A#), reached by step it leaves C major alone; any two notes
    outside C major in a row, the first reached by step, start a new key from the first."""
    def stepped_to(note):
        return C_TUNE[:-1] + [note - 1 if C_MAJOR[(note - 1) % 12] else note + 1, note]

    for pc in OUTSIDE_C:
        passing = hear_all(stepped_to(72 + pc))
        assert passing.since_change > 0 and likeliest(passing) == (0, "major"), pc
    for first in OUTSIDE_C:
        for second in OUTSIDE_C:
            a = 72 + first
            b = min((72 + second + octave for octave in (-12, 0, 12)), key=lambda p: abs(p - a))
            tracker = hear_all(stepped_to(a) + [b])
            assert tracker.since_change == 0 and list(tracker.pitches) == [a, b], (first, second)


def test_a_leap_to_a_note_outside_the_key_moves_it_and_the_notes_after_a_false_alarm_bring_it_back():
    leapt = hear_all(C_TUNE + [60, 66])                 # C up a tritone to F#
    assert list(leapt.pitches) == [66] and leapt.boosted
    back = hear_all(C_TUNE + [60, 66, 67, 65, 64, 62, 60])  # ... then on in C major: an ornament after all
    assert likeliest(back) == (0, "major") and back.belief.in_key[C_MAJOR].min() > 0.85
    assert back.belief.in_key[~C_MAJOR].max() < 0.15


def test_an_ambiguous_new_key_holds_the_voices_to_what_its_candidates_share():
    """F# then A# after C major could be F# major, B major, D# minor...: the notes they all share count
    as in the key, C major's triad (which a false alarm would return to) much less, and B, which some
    candidates have and C# major has not, in between."""
    belief = hear_all(C_TUNE + [66, 70]).belief
    shared = belief.in_key[[6, 10, 1, 3, 8]]                    # F#, A#, C#, D#, G#
    assert shared.min() > 0.7 and belief.in_key[[0, 4, 7]].max() < 0.45
    assert belief.in_key[[0, 4, 7]].max() < belief.in_key[11] < shared.min()


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


def test_harmony_follows_a_leap_into_a_new_key_whose_next_note_both_keys_share():
    """C major, then a tune in F# major that leaps in (C to F#) and goes on to E sharp, a note of C
    major too: the voices under that second note mostly move already, and from the third they are
    in F# major (the key of the last 16 notes held them in C major for two bars)."""
    preset, beat_shares = get_preset("bach-harmony"), []
    tune = C_TUNE[:-2] + [62, 60] + [66, 65, 66, 70, 73, 70, 66, 70, 68, 66, 65, 66, 70, 68, 65, 66]
    for seed in range(4):
        clock = SimulatedClock()
        output = MemoryOutput(clock)
        engine = Engine(companion_for(preset, seed=seed), output.send, LiveSettings(mode="harmonize", voices=3))
        drive(engine, clock, events_of(tune), len(tune) * 4 + 4)
        beat_shares.append([in_key_share([n for p, n in output.notes() if (16 + beat) * 4 <= p < (17 + beat) * 4
                                          and n not in tune], (6, "major")) for beat in range(1, 6)])
    second, later = np.mean(beat_shares, axis=0)[0], np.mean(beat_shares, axis=0)[1:]
    assert second >= 0.5 and later.min() >= 0.9, beat_shares


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


def test_a_key_normalised_preset_moves_to_a_new_key_but_not_for_a_note_leapt_to():
    """`folk-lstm` only knows C major and A minor: the player's key transposes everything it plays, so
    a blue note must not move it, and a new key must."""
    companion, tracker = companion_for(get_preset("folk-lstm"), seed=0), KeyTracker()
    for pitch in C_TUNE + [60, 66, 67, 65, 64, 62, 60, 63, 62, 60]:   # F# and E flat leapt to, in C
        tracker.hear(pitch)
        companion.set_key(tracker.belief, LiveSettings().key_pull)
        assert companion.shift == 0, pitch
    for pitch in [p + 6 for p in C_TUNE[:6]]:                          # the tune in F# major
        tracker.hear(pitch)
        companion.set_key(tracker.belief, LiveSettings().key_pull)
    assert companion.shift in (6, -6)
