import mido
import numpy as np
import pytest
from musigan.models.midi_file import UnreadableFile, read_midi, write_midi
from musigan.models.notes import NoteSequence, notes_array


def test_write_then_read_keeps_notes_tempo_metre_and_track_names(tmp_path):
    seq = NoteSequence(notes_array([(60, 0, 4, 100, 0), (64, 2, 6, 90, 1), (67, 4, 8, 70, 1)]),
                       steps_per_quarter=4, tempo_bpm=96.0, time_signature=(3, 4), name="tune",
                       voice_names=("melody", "harmony"))
    path = write_midi(seq, tmp_path / "tune.mid")
    back = read_midi(path, steps_per_quarter=4)
    assert back == seq
    assert back.tempo_bpm == pytest.approx(96.0)
    assert back.time_signature == (3, 4)
    assert back.voice_names == ("melody", "harmony")
    midi = mido.MidiFile(path)
    assert midi.type == 1 and midi.tracks[0].name == "tune"


def _raw_type0_running_status() -> bytes:
    """A type 0 file written byte by byte: running status, a tempo change, velocity-0 note-offs."""
    events = bytes([
        0x00, 0xFF, 0x51, 0x03, 0x07, 0xA1, 0x20,  # tempo 120
        0x00, 0x90, 60, 100,                       # note on C4
        0x00, 62, 90,                              # running status: note on D4
        0x83, 0x60, 60, 0,                         # +480 ticks, running status vel 0 = off C4
        0x00, 62, 0,                               # off D4
        0x00, 0xFF, 0x51, 0x03, 0x0F, 0x42, 0x40,  # tempo change to 60 bpm
        0x00, 0x99, 36, 110,                       # drum hit on channel 10
        0x00, 0x90, 64, 80,                        # E4 on
        0x83, 0x60, 0x80, 64, 0,                   # +480: explicit note off
        0x00, 0x89, 36, 0,
        0x00, 0xFF, 0x2F, 0x00,
    ])
    header = b"MThd" + (6).to_bytes(4, "big") + (0).to_bytes(2, "big") + (1).to_bytes(2, "big") + (480).to_bytes(2, "big")
    return header + b"MTrk" + len(events).to_bytes(4, "big") + events


def test_type0_running_status_tempo_change_and_drums(tmp_path):
    path = tmp_path / "raw.mid"
    path.write_bytes(_raw_type0_running_status())
    seq = read_midi(path, steps_per_quarter=4)
    assert seq.notes[:, :3].tolist() == [[60, 0, 4], [62, 0, 4], [64, 4, 8]]
    assert seq.tempo_bpm == pytest.approx(120.0)  # the first tempo is the piece's tempo
    with_drums = read_midi(path, steps_per_quarter=4, include_drums=True)
    assert [36, 4, 8] in with_drums.notes[:, :3].tolist()


def test_overlapping_same_pitch_notes_close_in_order(tmp_path):
    track = mido.MidiTrack([
        mido.Message("note_on", note=60, velocity=100, time=0),
        mido.Message("note_on", note=60, velocity=50, time=240),   # struck again while held
        mido.Message("note_off", note=60, time=240),               # closes the first (t=480)
        mido.Message("note_off", note=60, time=480),               # closes the second (t=960)
    ])
    midi = mido.MidiFile(type=1, ticks_per_beat=480)
    midi.tracks.append(track)
    midi.save(tmp_path / "overlap.mid")
    seq = read_midi(tmp_path / "overlap.mid", steps_per_quarter=4)
    assert seq.notes[:, :4].tolist() == [[60, 0, 4, 100], [60, 2, 8, 50]]
    assert seq.monophonic_per_pitch().notes[:, :3].tolist() == [[60, 0, 2], [60, 2, 8]]


def test_type1_several_tracks_become_voices(tmp_path):
    midi = mido.MidiFile(type=1, ticks_per_beat=96)
    for name, pitch in (("upper", 72), ("lower", 48)):
        midi.tracks.append(mido.MidiTrack([mido.MetaMessage("track_name", name=name),
                                           mido.Message("note_on", note=pitch, velocity=64, time=96),
                                           mido.Message("note_off", note=pitch, time=96)]))
    midi.save(tmp_path / "two.mid")
    seq = read_midi(tmp_path / "two.mid", steps_per_quarter=2)
    assert sorted(seq.notes[:, [0, 1, 2, 4]].tolist()) == [[48, 2, 4, 1], [72, 2, 4, 0]]
    assert seq.voice_names == ("upper", "lower")


@pytest.mark.parametrize("content", [b"", b"MThd\x00\x00", b"RIFF0000garbage", bytes(range(256)) * 4])
def test_unreadable_bytes_raise_a_reason(tmp_path, content):
    path = tmp_path / "bad.mid"
    path.write_bytes(content)
    with pytest.raises(UnreadableFile):
        read_midi(path)


def test_invalid_notes_are_refused():
    with pytest.raises(ValueError, match="invalid note"):
        NoteSequence(notes_array([(60, 4, 4, 80, 0)]))
    with pytest.raises(ValueError):
        NoteSequence(notes_array([(120, 0, 1, 80, 0)])).transpose(12)


def test_slice_steps_clips_and_shifts():
    seq = NoteSequence(notes_array([(60, 0, 8, 80, 0), (62, 6, 10, 80, 0), (64, 12, 14, 80, 0)]))
    part = seq.slice_steps(4, 12)
    assert part.notes[:, :3].tolist() == [[60, 0, 4], [62, 2, 6]]
    assert np.array_equal(seq.sounding()[4:12], np.pad(part.sounding(), ((0, 8 - part.total_steps), (0, 0))))
