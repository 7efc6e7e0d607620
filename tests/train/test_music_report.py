"""The music-statistics report: real phrases of a shipped preset against its held-out corpus."""
import json

import numpy as np
import pytest

from musigan.cli import main
from musigan.models.notes import NoteSequence, notes_array
from musigan.train.music_stats import SCALAR_FEATURES, piece_features


def test_features_of_a_known_phrase():
    # C E G over a held C: onsets every beat, the top line C-E-G, tonic C
    piece = NoteSequence(notes_array([(60, 0, 4, 80, 0), (64, 4, 8, 80, 0), (67, 8, 16, 80, 0), (48, 0, 16, 80, 1)]),
                         steps_per_quarter=4)
    features = piece_features(piece)
    assert features["inter_onset"] == 1.0 and features["note_length"] == 2.0
    assert features["melodic_interval"] == 3.5 and features["polyphony"] == 2.0 and features["in_key"] == 1.0
    assert features["pitch_classes"].argmax() == 0  # key-normalised: the tonic first


def test_evaluate_music_compares_phrases_with_held_out_ones_and_a_ceiling(capsys):
    assert main(["evaluate", "bach-chorales-gru", "--music", "--phrases", "12", "--draws", "2", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["phrases"] == 12 and report["bars"] == 4 and report["draws"] == 2
    # two draws of other phrases disagree a little: the spread says by how much
    assert 0 < report["spread"]["generated"] < 0.2 and 0 < report["spread"]["ceiling"] < 0.2
    for side in ("generated", "ceiling"):
        figures = report[side]
        assert set(SCALAR_FEATURES) | {"pitch_classes", "mean_overlap"} <= set(figures)
        overlaps = [figures[f]["overlap"] for f in (*SCALAR_FEATURES, "pitch_classes")]
        assert all(0 <= overlap <= 1.0001 for overlap in overlaps)
        assert figures["mean_overlap"] == pytest.approx(np.mean(overlaps))  # the draws' means, feature by feature
    # four-part chorales: held-out phrases sound about four notes at a time, and so do its own
    assert 3 < report["generated"]["polyphony"]["reference"] <= 4
    assert 2.5 < report["generated"]["polyphony"]["generated"] <= 4


def test_evaluate_music_on_the_valid_split_measures_other_phrases_and_keeps_the_card(capsys):
    args = ["evaluate", "bach-chorales-gru", "--music", "--phrases", "12", "--draws", "1", "--json"]
    assert main(args) == 0
    test = json.loads(capsys.readouterr().out)
    assert main([*args, "--split", "valid"]) == 0
    valid = json.loads(capsys.readouterr().out)
    assert (test["split"], valid["split"]) == ("test", "valid")
    # other bars primed, other phrases compared: the held-out side's figures are not the test split's
    assert valid["generated"]["note_density"]["reference"] != test["generated"]["note_density"]["reference"]
    assert valid["generated"]["pitch_range"]["reference"] != test["generated"]["pitch_range"]["reference"]
    # the card keeps the figure a preset reports (test): a valid report is not written into it
    assert main(["evaluate", "bach-chorales-gru", "--music", "--split", "valid", "--save-card"]) == 2
    assert "--save-card" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["folk-lstm", "bach-chorales-gru", "jsb-gru-sigmoid", "bach-gan"])
def test_evaluate_music_shows_polyphony_and_note_length_for_every_kind_of_preset(preset, capsys):
    """events, frames, pianoroll and the GAN: the table a user reads has both rows, with figures."""
    assert main(["evaluate", preset, "--music", "--phrases", "4", "--draws", "1"]) == 0
    rows = {line.split("│")[1].strip(): line for line in capsys.readouterr().out.splitlines() if line.count("│") > 4}
    for feature in ("polyphony", "note_length"):
        cells = [cell.strip() for cell in rows[feature].split("│")[2:5]]
        generated, held_out, overlap = map(float, cells)
        # the held-out phrases sound at least a note whenever any sounds (polyphony >= 1); the phrases
        # written have notes that last (a phrase that stayed silent may pull the mean below 1)
        assert held_out >= (1 if feature == "polyphony" else 0.01) and generated > 0, rows[feature]
        assert 0 <= overlap <= 1, rows[feature]
