import numpy as np
import pytest
from musigan.models.notes import NoteSequence, notes_array
from musigan.train.music_stats import compare_sets, overlap_area, piece_features


def bars_of(pitches_per_bar):
    rows = [(p, 16 * bar + 4 * i, 16 * bar + 4 * i + 4, 80, 0)
            for bar, pitches in enumerate(pitches_per_bar) for i, p in enumerate(pitches)]
    return NoteSequence(notes_array(rows), steps_per_quarter=4)


def test_piece_features_measure_what_they_say():
    same = bars_of([(60, 64, 67, 72)] * 4)
    features = piece_features(same)
    assert features["note_density"] == 4 and features["polyphony"] == 1
    assert features["pitch_range"] == 12 and features["in_key"] == 1.0
    assert features["repetition"] == 1.0
    changing = bars_of([(60, 62), (61, 63), (60, 62), (66, 68)])
    assert piece_features(changing)["repetition"] == pytest.approx(0.0)
    assert piece_features(changing)["in_key"] < 1.0


def test_overlap_area_is_one_for_the_same_sample_and_near_zero_for_disjoint_ones():
    rng = np.random.default_rng(0)
    a = rng.normal(0, 1, 200)
    assert overlap_area(a, a) == pytest.approx(1.0, abs=1e-6)
    assert overlap_area(a, a + 50) < 0.01
    assert 0.3 < overlap_area(a, a + 1) < 0.9


def test_compare_sets_ranks_a_closer_set_higher():
    reference = [bars_of([(60, 64, 67, 72)] * 4), bars_of([(62, 65, 69, 74)] * 4)]
    close = [bars_of([(60, 64, 67, 71)] * 4), bars_of([(62, 65, 69, 72)] * 4)]
    far = [bars_of([(30, 90)] * 4), bars_of([(31, 95)] * 4)]
    assert compare_sets(close, reference)["mean_overlap"] > compare_sets(far, reference)["mean_overlap"]
