"""What a new user meets first: outputs checked before any work, nothing made is lost, the player's
install refusing to train in one line, and lines that speak pitches and bars."""
import json
import os

import mido
import pytest
from musigan.cli.output_paths import output_problem
from musigan.live.recorder import Recorder
from musigan.models.files import save_or_fallback
from musigan.models.metre import Metre
from musigan.models.music_words import bar_beat, pitch_name, pitch_names
from musigan.models.presets import get_preset
from support import run_musigan


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "afile.mid"
    path.write_bytes(b"not a folder")
    return path


@pytest.mark.parametrize("argv, flag", [
    (["generate", "bach-chorales-gru", "--bars", "1", "--out", "{folder}"], "--out"),
    (["generate", "bach-chorales-gru", "--bars", "1", "--out", "{file}/x.mid"], "--out"),
    (["generate", "bach-chorales-gru", "--bars", "1", "--out", "/proc/x.mid"], "--out"),
    (["play", "--record", "{folder}", "--duration", "30"], "--record"),
    (["play", "--demo", "--record", "/proc/take.mid"], "--record"),
    (["plot", "{file}", "--out", "/proc/x.png"], "--out"),
    (["data", "jsb:jsb-chorales-quarter", "--export", "{file}"], "--export"),
    (["train", "bach-chorales-gru", "--out", "/proc/run"], "--out"),
    (["train", "bach-chorales-gru", "--weights-dir", "{file}"], "--weights-dir"),
    (["sweep", "any.yaml", "--out", "{file}"], "--out"),
])
def test_a_path_that_cannot_be_written_is_one_line_before_any_work(argv, flag, tmp_path, a_file):
    argv = [a.format(folder=tmp_path, file=a_file) for a in argv]
    result = run_musigan(*argv, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr, result.stderr
    assert flag in result.stderr and result.stdout == "", (result.stdout, result.stderr)


def test_missing_folders_on_the_way_are_made_not_refused(tmp_path):
    assert output_problem("--out", tmp_path / "new" / "sub" / "x.mid") is None
    result = run_musigan("generate", "bach-chorales-gru", "--bars", "1", "--out", tmp_path / "new" / "x.mid")
    assert result.returncode == 0 and (tmp_path / "new" / "x.mid").exists(), result.stderr


def test_a_recording_that_cannot_be_written_at_the_end_goes_to_the_current_folder(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    recorder = Recorder(tmp_path / "gone" / "take.mid", 4, 120)
    recorder.record("player", mido.Message("note_on", note=60, velocity=90), 0)
    recorder.record("player", mido.Message("note_off", note=60), 4)
    (tmp_path / "gone").write_text("the folder was replaced by a file while the session ran")
    saved = save_or_fallback(recorder.save, recorder.path, "the recording")
    assert saved.parent == tmp_path and saved.name.startswith("take-") and saved.suffix == ".mid"
    assert [m.note for m in mido.MidiFile(saved).tracks[1] if m.type == "note_on"] == [60]
    assert f"saved it to {saved}" in capsys.readouterr().err


def test_a_closed_stdout_never_costs_the_recording(tmp_path):
    """`musigan play --demo | head -1`: the reader leaves after one line; the session still records."""
    import subprocess
    import sys

    command = f"{sys.executable} -m musigan.cli play --demo --record take.mid | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("demo:") and "Traceback" not in result.stderr, result.stderr
    assert len(mido.MidiFile(tmp_path / "take.mid").tracks) >= 3


def test_training_commands_without_their_backend_say_how_to_install_it():
    """The player's install has no Keras backend; here torch stands in for the one that is missing."""
    from importlib.util import find_spec

    if find_spec("torch") is not None:
        pytest.skip("torch is installed here: it cannot stand in for a missing backend")
    for command in (["train", "bach-chorales-gru"], ["evaluate", "bach-chorales-gru"], ["sweep", "x.yaml"]):
        result = run_musigan(*command, env={**os.environ, "KERAS_BACKEND": "torch"})
        assert result.returncode == 2, result.stderr
        assert result.stderr.strip() == (f"musigan {command[0]}: {command[0]} needs the training extra (torch not "
                                         "installed): pip install 'musigan[train]'")


def test_lines_for_a_musician_name_pitches_and_bars():
    assert [pitch_name(p) for p in (60, 66, 21, 108)] == ["C4", "F#4", "A0", "C8"]
    assert pitch_names([69, 60, 53]) == "A4 C4 F3" and pitch_names([]) == "none"
    assert bar_beat(0.1, 4) == "bar 1 beat 1" and bar_beat(46, 4) == "bar 3 beat 4.5"
    assert bar_beat(15.9, 4) == "bar 2 beat 1" and bar_beat(8, 4, Metre(3, 4)) == "bar 1 beat 3"
    assert bar_beat(12, 4, Metre(3, 4)) == "bar 2 beat 1" and bar_beat(18, 4, Metre(6, 8)) == "bar 2 beat 2"


def test_an_override_trained_on_other_music_does_not_keep_the_old_description(tmp_path):
    config = tmp_path / "mine.yaml"
    config.write_text("folk-lstm:\n  data: {source: tunes}\n"
                      "bach-harmony:\n  description: my own words\n  data: {source: tunes}\n")
    assert get_preset("folk-lstm", [config]).config.description == "folk-lstm's settings, trained on tunes"
    assert get_preset("bach-harmony", [config]).config.description == "my own words"
    assert "Irish" in get_preset("folk-lstm").config.description  # the shipped preset keeps its own


def test_evaluate_measures_where_train_measured_when_there_is_no_test_piece(tmp_path):
    """A folder too small for a test split: both commands fall back to valid, and say so."""
    folder = tmp_path / "tunes"
    folder.mkdir()
    for index in range(3):
        track = mido.MidiTrack()
        for pitch in [60, 62, 64, 65, 67, 69, 71, 72][index:] * 4:
            track += [mido.Message("note_on", note=pitch, velocity=80), mido.Message("note_off", note=pitch, time=240)]
        mido.MidiFile(tracks=[track]).save(folder / f"t{index}.mid")
    config = tmp_path / "tiny.yaml"
    config.write_text(f"""
tiny:
  data: {{source: "{folder}", encoding: {{name: events}}, split: {{valid: 0.3, test: 0.0}}}}
  model: {{layers: 1, units: 8, embedding: 4, dropout: 0.0}}
  training: {{epochs: 1, batch_size: 2, sequence_length: 16, sample_every: 0}}
""")
    trained = run_musigan("train", "tiny", "--config", config, "--out", tmp_path / "run", "--no-calibration",
                          timeout=600)
    assert trained.returncode == 0, trained.stderr[-2000:]
    assert "no test pieces: the test figures are measured on the valid pieces" in trained.stdout
    card = json.loads((tmp_path / "tiny.json").read_text())
    evaluated = run_musigan("evaluate", "tiny", "--config", config, "--json", timeout=600)
    assert evaluated.returncode == 0, evaluated.stderr
    assert "no test pieces" in evaluated.stderr
    assert json.loads(evaluated.stdout)["nll_per_step"] == pytest.approx(card["metrics"]["test"]["nll_per_step"],
                                                                          abs=1e-4)
