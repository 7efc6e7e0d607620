import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from musigan.models.encodings import make_encoding
from musigan.models.notes import DEFAULT_VELOCITY, NoteSequence, notes_array
from musigan.paths import bundled_jsb
from musigan.train.readers import read_file, read_jsb
from support import note_sequences

JSB = bundled_jsb("jsb-16th-satb")


def plain(seq: NoteSequence, velocity=DEFAULT_VELOCITY) -> np.ndarray:
    """Notes with voice dropped (and velocity set), sorted, which is what a lossless decode must give."""
    notes = seq.notes.copy()
    notes[:, 4] = 0
    if velocity is not None:
        notes[:, 3] = velocity
    return NoteSequence(notes).notes


def roundtrip(encoding, seq):
    return encoding.decode(encoding.encode(seq))


@settings(max_examples=150, deadline=None)
@given(note_sequences())
def test_events_lossless_on_the_grid(seq):
    canonical = seq.monophonic_per_pitch()
    assert np.array_equal(roundtrip(make_encoding({"name": "events"}), seq).notes, plain(canonical))


@settings(max_examples=150, deadline=None)
@given(note_sequences())
def test_events_with_127_velocity_bins_keep_velocity(seq):
    canonical = seq.monophonic_per_pitch()
    back = roundtrip(make_encoding({"name": "events", "velocity_bins": 127}), seq)
    assert np.array_equal(back.notes, plain(canonical, velocity=None))


@settings(max_examples=100, deadline=None)
@given(note_sequences())
def test_events_velocity_bins_quantise_to_their_bin(seq):
    encoding = make_encoding({"name": "events", "velocity_bins": 8})
    back = roundtrip(encoding, seq)
    canonical = seq.monophonic_per_pitch().notes
    assert np.array_equal(back.notes[:, :3], plain(seq.monophonic_per_pitch())[:, :3])
    expected = {(int(p), int(s)): encoding.bin_velocity(encoding.velocity_bin(v)) for p, s, _, v, _ in canonical}
    assert all(expected[(p, s)] == v for p, s, _, v, _ in back.notes.tolist())


@pytest.mark.parametrize("config", [{"name": "frames", "order": "descending"}, {"name": "frames", "order": "ascending"},
                                    {"name": "pianoroll", "width": 88}, {"name": "pianoroll", "width": 128}])
@settings(max_examples=100, deadline=None)
@given(seq=note_sequences())
def test_frame_views_exact_up_to_held_versus_repeated(config, seq):
    assert np.array_equal(roundtrip(make_encoding(config), seq).notes, seq.merged_holds().notes)


def test_frames_descending_puts_the_melody_first():
    encoding = make_encoding({"name": "frames", "order": "descending"})
    seq = NoteSequence(notes_array([(60, 0, 1, 80, 0), (72, 0, 1, 80, 0), (64, 0, 1, 80, 0)]))
    tokens = encoding.encode(seq)
    assert [encoding.token_name(t) for t in tokens] == ["P72", "P64", "P60", "STEP"]


def test_out_of_range_pitch_names_the_range():
    with pytest.raises(ValueError, match="21..108"):
        make_encoding({"name": "frames"}).encode(NoteSequence(notes_array([(10, 0, 1, 80, 0)])))


def test_bad_encoding_config_is_named():
    with pytest.raises(ValueError, match="unknown encoding 'midi'"):
        make_encoding({"name": "midi"})
    with pytest.raises(ValueError, match="frames"):
        make_encoding({"name": "frames", "colour": "blue"})


def test_stream_decoder_emits_messages_token_by_token_and_releases_on_close():
    encoding = make_encoding({"name": "events"})
    stream = encoding.stream(channel=3)
    out = [stream.feed(t) for t in (60, 64, 256, 128 + 60, 256)]
    assert [(m.step, m.message.type, m.message.note) for m in out[0] + out[1]] == [(0, "note_on", 60), (0, "note_on", 64)]
    assert out[2] == [] and out[3][0].message.type == "note_off" and out[3][0].step == 1
    closing = stream.close()
    assert [(m.message.type, m.message.note, m.message.channel) for m in closing] == [("note_off", 64, 3)]
    assert stream.close() == []


def test_frames_stream_emits_a_step_when_it_ends():
    encoding = make_encoding({"name": "frames", "low": 21, "high": 108})
    stream = encoding.stream()
    assert stream.feed(72 - 21) == [] and stream.feed(60 - 21) == []
    ons = stream.feed(encoding.step_token)
    assert sorted(m.message.note for m in ons) == [60, 72]
    stream.feed(72 - 21)  # 72 held, 60 released
    changes = stream.feed(encoding.step_token)
    assert [(m.message.type, m.message.note, m.step) for m in changes] == [("note_off", 60, 1)]


def test_real_jsb_pieces_round_trip():
    splits = read_jsb(JSB, steps_per_quarter=4)
    frames = make_encoding({"name": "frames"})
    events = make_encoding({"name": "events"})
    for piece in splits["valid"][:20]:
        assert np.array_equal(roundtrip(frames, piece).notes, piece.merged_holds().notes)
        assert np.array_equal(roundtrip(events, piece).notes, plain(piece.monophonic_per_pitch()))


def test_real_bach_chorale_round_trips():
    from music21 import corpus

    piece = read_file(corpus.getComposer("bach")[0])[0]
    for config in ({"name": "frames"}, {"name": "pianoroll"}):
        assert np.array_equal(roundtrip(make_encoding(config), piece).notes, piece.merged_holds().notes)
    events = make_encoding({"name": "events", "velocity_bins": 127})
    assert np.array_equal(roundtrip(events, piece).notes, plain(piece.monophonic_per_pitch(), velocity=None))


@given(note_sequences(), st.integers(1, 4))
@settings(max_examples=60, deadline=None)
def test_max_polyphony_caps_what_sounds_at_once_and_only_shortens(seq, voices):
    capped = seq.with_max_polyphony(voices)
    if len(capped):
        assert capped.sounding().sum(axis=1).max() <= voices
    original = {}
    for pitch, start, end, *_ in seq.notes:  # unisons: the longest of the notes at one pitch and start
        original[(int(pitch), int(start))] = max(int(end), original.get((int(pitch), int(start)), 0))
    for pitch, start, end, *_ in capped.notes:
        assert (pitch, start) in original and start < end <= original[(pitch, start)]


def test_a_tune_stays_one_line_and_the_top_of_a_chord_wins():
    seq = NoteSequence(notes_array([(60, 0, 8, 80, 0), (64, 4, 12, 80, 0), (67, 6, 10, 80, 0), (72, 6, 9, 80, 0)]))
    assert seq.with_max_polyphony(1).notes[:, :3].tolist() == [[60, 0, 4], [64, 4, 6], [72, 6, 9]]


@given(note_sequences(max_notes=30))
@settings(max_examples=40, deadline=None)
def test_every_events_token_of_real_music_obeys_the_grammar_sampling_keeps(seq):
    """What `encode` writes, token by token, is what `allowed_after` allows given what sounds: a
    release only of a sounding pitch. Sampling under that grammar can then never lose a release on a
    pitch that is not sounding (and leave the meant note on)."""
    encoding = make_encoding({"name": "events", "velocity_bins": 8})
    stream, last = encoding.stream(), None
    for token in encoding.encode(seq.monophonic_per_pitch()):
        assert encoding.allowed_after(last, frozenset(stream.held))[token], encoding.token_name(token)
        stream.feed(token)
        last = token
    allowed = encoding.allowed_after(None, frozenset({60}))
    assert allowed[128 + 60] and not allowed[128 + 61] and allowed[61] and allowed[256]
