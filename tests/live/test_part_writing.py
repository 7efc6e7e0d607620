"""Harmonize writes as a musician would sign: no parallel fifths or octaves, measured as a
musician marks them, on real chorale melodies against Bach's own parts."""
from musigan.live.clip_harmony import harmonize_clip
from musigan.live.companions import companion_for
from musigan.models.notes import VOICE, NoteSequence
from musigan.models.part_writing import chords, marks, parallels, root
from musigan.models.presets import get_preset
from musigan.train.corpus import load_corpus


def test_the_marks_are_the_ones_a_musician_makes():
    # C chord up a step: S-T, S-B, T-B in octaves, A-T and A-B in fifths all move together (S-A: a fourth)
    assert parallels((72, 67, 60, 48), (74, 69, 62, 50)) == 5
    assert parallels((72, 64, 55, 48), (71, 62, 55, 43)) == 0        # the tenor holds: oblique motion
    assert parallels((67, 64, 60, 48), (69, 65, 62, 50)) == 3        # S-T, S-B fifths, T-B octaves
    assert root((67, 64, 60, 48)) == 0 and root((67, 62, 59, 55)) == 7 and root((65, 62, 59, 55)) == 7


def test_harmonize_writes_no_parallels_where_bach_writes_almost_none():
    bach = load_corpus("jsb:jsb-16th-satb", steps_per_quarter=4, progress=False).split("test")[:12]
    preset, ours = get_preset("bach-harmony"), []
    for piece in bach:
        line = piece.notes[piece.notes[:, VOICE] == 0]
        melody = NoteSequence(line, steps_per_quarter=4, tempo_bpm=piece.tempo_bpm, name=piece.name)
        ours.append(harmonize_clip(companion_for(preset, seed=0), melody, 3, 3.0))
    mine, theirs = marks(ours), marks(bach)
    assert mine["chord changes"] > 400 and sum(len(chords(p)) for p in ours) > 400
    assert mine["parallels"] <= theirs["parallels"] + 1, (mine, theirs)
    assert mine["crossings"] <= theirs["crossings"] and mine["spacing"] <= theirs["spacing"]
