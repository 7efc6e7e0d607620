"""The lead-sheet encoding and its chords, on real lead sheets and real tunes of music21's corpus."""
from pathlib import Path

import music21
import numpy as np
import pytest
from musigan.models import chords
from musigan.models.encodings import make_encoding
from musigan.models.encodings.leadsheet import melody_line
from musigan.models.metre import Metre
from musigan.models.notes import VOICE
from musigan.models.score_file import read_score
from musigan.train.accompaniment_stats import Accompaniment

CORPUS = Path(music21.__file__).parent / "corpus"


@pytest.fixture(scope="module")
def encoding():
    return make_encoding({"name": "leadsheet"})


@pytest.mark.parametrize("pitches, name", [((60, 64, 67), "C"), ((64, 67, 72), "C"), ((55, 59, 62, 65), "G7"),
                                           ((57, 60, 64), "Am"), ((59, 62, 65), "Bdim"), ((50, 62, 66, 69), "D")])
def test_sounding_notes_spell_the_chord_a_musician_names(pitches, name):
    assert chords.chord_name(chords.spelled_by(pitches)) == name


def test_a_voicing_holds_every_tone_once_near_the_last_and_the_bass_plays_the_root():
    g7 = chords.chord(7, "7")
    before = chords.voicing(chords.chord(0))
    after = chords.voicing(g7, before)
    assert sorted(p % 12 for p in after) == [2, 5, 7, 11]
    assert all(chords.VOICING_LOW <= p <= chords.VOICING_HIGH for p in after)
    assert abs(np.mean(after) - np.mean(before)) <= 4  # moved to the nearest tones, not across the keyboard
    assert chords.bass_of(g7) % 12 == 7 and chords.bass_of(g7) < min(after)


def test_a_lead_sheets_chord_symbols_are_the_chords_it_encodes(encoding):
    piece = read_score(CORPUS / "leadSheet/fosterBrownHair.mxl", 2)[0]
    assert piece.voice_names[-1] == "chords"
    score = music21.converter.parse(CORPUS / "leadSheet/fosterBrownHair.mxl")
    symbols = [s for s in score.flatten().getElementsByClass(music21.harmony.ChordSymbol)
               if not isinstance(s, music21.harmony.NoChord)]
    tokens = encoding.encode(piece)
    per_step = tokens[encoding.is_chord[tokens]] - encoding.first_chord
    roots = [(chords.root_of(int(per_step[round(float(s.offset) * 2)])), s.root().pitchClass) for s in symbols
             if round(float(s.offset) * 2) < len(per_step)]
    assert len(roots) >= 20
    assert np.mean([ours == theirs for ours, theirs in roots]) >= 0.95, roots


def test_a_bare_tune_is_given_chords_that_change_on_its_beats_and_hold_its_melody(encoding):
    tunes = [t for t in read_score(CORPUS / "oneills1850/0051-0100.abc", 2)[:12] if t.time_signature in ((4, 4), (6, 8))]
    assert len(tunes) >= 5
    for tune in tunes:
        own = encoding.decode(encoding.encode(tune), time_signature=tune.time_signature)
        accompaniment = Accompaniment.of(own, 0, [1])
        assert accompaniment.on_beat_share() == 1.0, tune.name
        assert 0.3 <= accompaniment.changes_per_bar() <= 2.5, (tune.name, accompaniment.changes_per_bar())
        assert accompaniment.melody_in_chord() >= 0.55, tune.name


def test_decoding_gives_the_melody_back_with_the_chords_voiced_over_a_bass(encoding):
    tune = read_score(CORPUS / "oneills1850/0051-0100.abc", 2)[1]
    tokens = encoding.encode(tune)
    last = None
    for token in tokens:
        assert encoding.allowed_after(last)[token], (last, token)
        last = int(token)
    back = encoding.decode(tokens)
    melody = back.notes[back.notes[:, VOICE] == 0]
    assert melody[:, [0, 1]].tolist() == melody_line(tune, set())[:, :2].tolist()  # the top note of each onset
    chord_notes, bass = back.notes[back.notes[:, VOICE] == 1], back.notes[back.notes[:, VOICE] == 2]
    assert len(bass) and bass[:, 0].max() < chord_notes[:, 0].min()
    per_beat = Metre(*tune.time_signature).steps_per_beat(2)
    assert not (bass[:, 1] % per_beat).any()  # the bass moves only with the chord, on a beat


def test_a_tunes_pickup_is_padded_so_its_bars_and_beats_fall_on_the_grids():
    """O'Neill's tunes mostly begin with a pickup: read, each full bar begins on a multiple of the bar
    (as music21 counts its measures), so beats and bar lines are where the grid counts them."""
    path = CORPUS / "oneills1850/0101-0200.abc"
    tunes = read_score(path, 2)[:10]
    scores = list(music21.converter.parse(path, forceSource=True, storePickle=False).scores)[:10]
    padded = 0
    for tune, score in zip(tunes, scores):
        measures = list(score.parts[0].getElementsByClass("Measure"))
        padded += bool(measures[0].paddingLeft)
        bar = Metre(*tune.time_signature).steps_per_bar(2)
        second = measures[1].notes.first()  # the first note of the first full bar
        step = round((float(second.offset) + float(measures[1].offset) + float(measures[0].paddingLeft)) * 2)
        assert step == bar and step in tune.notes[:, 1].tolist(), tune.name
    assert padded >= 5
