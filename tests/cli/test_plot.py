"""`musigan plot` and `--plot`: a piano roll PNG of a MIDI file, beside it or where asked."""
import mido
from support import run_musigan

PNG = b"\x89PNG\r\n\x1a\n"


def test_plot_draws_each_track_and_generate_plot_writes_beside_the_file(tmp_path):
    midi = mido.MidiFile(type=1)
    for name, pitch in (("player", 72), ("musigan", 60)):
        track = mido.MidiTrack([mido.MetaMessage("track_name", name=name)])
        track += [mido.Message("note_on", note=pitch, velocity=80), mido.Message("note_off", note=pitch, time=960)]
        midi.tracks.append(track)
    midi.save(tmp_path / "session.mid")
    result = run_musigan("plot", tmp_path / "session.mid", "--out", tmp_path / "roll.png")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "roll.png").read_bytes()[:8] == PNG
    generated = run_musigan("generate", "bach-chorales-gru", "--bars", "2", "--out", tmp_path / "tune.mid", "--plot")
    assert generated.returncode == 0, generated.stderr
    assert (tmp_path / "tune.png").read_bytes()[:8] == PNG
    missing = run_musigan("plot", tmp_path / "nope.mid")
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1
