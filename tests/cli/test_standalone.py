"""A fresh clone or a wheel works with nothing beside it, and a new user's mistakes get one-line errors."""
import gzip
import hashlib
import json
import os

import mido
import pytest
from musigan.cli import main
from musigan.models.presets import PresetError, get_preset, load_presets
from musigan.paths import BUNDLED_DATA, PACKAGE_ROOT, bundled_jsb
from musigan.train.corpus import SourceError, assign_splits, load_corpus
from musigan.train.progress import PlainProgress
from support import run_musigan

SHIPPED_FILES = sorted([*(PACKAGE_ROOT / "presets").iterdir(), *(BUNDLED_DATA / "jsb").iterdir()])


def digests() -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHIPPED_FILES}


def test_shipped_presets_name_data_inside_the_package():
    for name, preset in load_presets().items():
        source = preset.config.data.source
        if source.startswith("jsb:"):
            assert bundled_jsb(source.removeprefix("jsb:")), f"{name}: {source} is not shipped"
        if preset.trained:
            assert preset.card()["data"]["source"] == source  # as the preset names it, no machine path


def test_shipped_jsb_split_reads_with_the_grid_the_caller_names(tmp_path):
    raw = json.loads(gzip.decompress(bundled_jsb("jsb-chorales-quarter").read_bytes()))
    own = tmp_path / "Nottingham.json"  # a name that says nothing of its grid
    own.write_text(json.dumps({split: pieces[:3] for split, pieces in raw.items()}))
    with pytest.raises(SourceError, match="--steps-per-quarter"):
        load_corpus(f"jsb:{own}", use_cache=False)
    corpus = load_corpus(f"jsb:{own}", steps_per_quarter=2, use_cache=False)
    assert [len(corpus.split(s)) for s in ("train", "valid", "test")] == [3, 3, 3]
    assert corpus.pieces[0].steps_per_quarter == 2
    with pytest.raises(SourceError, match="jsb:jsb-chorales-16th"):  # an unknown name lists the shipped ones
        load_corpus("jsb:jsb-chorales-64th")


@pytest.mark.parametrize("argv, message", [
    (["generate", "bach-harmony", "--out", "x.mid", "--bars", "0"], "musigan generate: --bars must be in 1..1000, got 0"),
    (["generate", "bach-harmony", "--out", "x.mid", "--bars", "-3"], "--bars must be in 1..1000, got -3"),
    (["generate", "bach-harmony", "--out", "x.mid", "--temperature", "0"], "--temperature must be in (0, 10], got 0"),
    (["generate", "bach-harmony", "--out", "x.mid", "--top-p", "0"], "--top-p must be in (0, 1], got 0"),
    (["play", "--bpm", "-5"], "musigan play: --bpm must be in 20..400, got -5"),
    (["play", "--channel-out", "17"], "--channel-out must be in 1..16, got 17"),
    (["play", "--voices", "0"], "--voices must be in 1..8, got 0"),
    (["play", "--low", "100", "--high", "20"], "musigan play: --low must be below --high"),
    (["play", "--cc-panic", "16"], "--cc-temperature and --cc-panic are both CC 16"),
    (["play", "--bpm", "fast"], "--bpm must be a number, got 'fast'"),
    (["play", "--clock-out", "--clock", "midi"], "--clock-out makes musigan the clock; it cannot also follow one"),
    (["play", "--max-listen", "1", "--min-listen", "2"], "--max-listen 1 is shorter than --min-listen 2"),
    (["play", "--cc-loop", "64"], "--cc-loop is CC 64, the sustain pedal"),
    (["play", "--preset", "folk-chords", "--mode", "solo"], "--mode solo: folk-chords plays chords under a melody"),
    (["play", "--mode", "accompany"], "--mode accompany: accompany needs a preset that plays chords"),
    (["play", "--metre", "7/4x"], "--metre '7/4x' is not a metre"),
    (["play", "--preset", "folk-chords", "--metre", "7/16"], "--metre 7/16: a bar of 7/16 is not a whole number"),
    (["play", "--comping", "swing"], "--comping invalid choice: 'swing'"),
    (["play", "--controls", "no-such-controls.yaml"], "no-such-controls.yaml: cannot read"),
    (["train", "bach-harmony", "--epochs", "0"], "--epochs must be >= 1, got 0"),
    (["data", "corpus:bach", "--steps-per-quarter", "0"], "--steps-per-quarter must be in 1..96, got 0"),
])
def test_every_bad_flag_gets_one_line_and_exit_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exit_:
        code = main(argv)
        raise SystemExit(code)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err


def test_version_and_a_broken_yaml_says_line_and_column(tmp_path, capsys):
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("musigan ")
    broken = tmp_path / "my.yaml"
    broken.write_text("folk:\n  model: {units: 3\n  data: x\n")
    with pytest.raises(PresetError, match=r"my.yaml:\d+:\d+: not valid YAML"):
        load_presets([broken])


def test_splits_are_configurable_and_a_tiny_corpus_trains_on_everything():
    names = [f"tune-{i}" for i in range(40)]
    explicit = assign_splits(names, {"valid": ["tune-1", "tune-2"], "test": ["tune-3"]})
    assert explicit.count("valid") == 2 and explicit.count("test") == 1 and explicit.count("train") == 37
    assert assign_splits(names, {"valid": 0.0, "test": 0.0}) == ["train"] * 40
    assert assign_splits(["only"]) == ["train"]  # one piece never lands in test alone


def test_truncated_and_all_bad_folders_are_reported(tmp_path):
    good = tmp_path / "good.mid"
    track = mido.MidiTrack([mido.Message("note_on", note=60, velocity=80), mido.Message("note_off", note=60, time=480)])
    mido.MidiFile(tracks=[track]).save(good)
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "cut.mid").write_bytes(good.read_bytes()[:-6])
    (bad / "junk.mid").write_bytes(b"not midi at all")
    result = run_musigan("data", bad, "--no-cache")
    assert result.returncode == 2 and "no readable piece (2 file(s) skipped)" in result.stderr
    cut = next(line for line in result.stderr.splitlines() if "cut.mid" in line)
    assert not cut.endswith(": )") and "truncated" in cut


def test_plain_progress_prints_lines_without_a_terminal(capsys):
    with PlainProgress(every=0.0) as bar:
        task = bar.add_task("ingesting", total=4)
        for _ in range(4):
            bar.advance(task)
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1].startswith("ingesting: 4/4 (100%), ") and len(lines) == 4


def test_plain_progress_speaks_while_one_step_takes_long(capsys):
    """A step longer than the reporting period (a slow epoch, a calibration round) still gets lines."""
    import time

    lines, deadline = [], time.monotonic() + 120
    with PlainProgress(every=0.1) as bar:
        bar.add_task("calibrating", total=3)
        while len(lines) < 2 and time.monotonic() < deadline:  # no update comes: the heartbeat speaks
            time.sleep(0.05)
            lines += capsys.readouterr().err.splitlines()
    assert len(lines) >= 2 and all(line.startswith("calibrating: 0/3 (0%), ") for line in lines), lines


def test_gan_evaluate_says_it_has_no_likelihood():
    result = run_musigan("evaluate", "bach-gan")
    assert result.returncode == 0, result.stderr
    assert "no likelihood" in result.stdout and "mean" in result.stdout
    assert f"{get_preset('bach-gan').card()['metrics']['test_music']['mean_overlap']:.3f}" in result.stdout


def test_presets_fit_80_columns_and_say_the_grid():
    result = run_musigan("presets", env={**os.environ, "COLUMNS": "80"})
    assert result.returncode == 0
    assert max(len(line) for line in result.stdout.splitlines()) <= 80, result.stdout
    cards = {name: get_preset(name).card()["metrics"] for name in ("bach-chorales-gru", "bach-harmony", "bach-gan")}
    assert f"{cards['bach-chorales-gru']['test']['nll_per_step']:.3f} q" in result.stdout      # quarter grid
    assert f"{cards['bach-harmony']['test']['nll_per_step']:.3f} 16th" in result.stdout       # 16th grid
    assert f"{cards['bach-gan']['test_music']['mean_overlap']:.3f} ovl" in result.stdout


@pytest.mark.slow
def test_training_never_writes_the_shipped_files_and_user_weights_shadow_them(tmp_path):
    before = digests()
    override = tmp_path / "small.yaml"
    override.write_text("jsb-gru-sigmoid:\n  model: {layers: 1, units: 16, embedding: 8}\n"
                        "  data: {max_pieces: 12}\n  training: {epochs: 1, sequence_length: 32, max_minutes: 0}\n")
    result = run_musigan("train", "jsb-gru-sigmoid", "--config", override, "--out", tmp_path / "run", timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "jsb-gru-sigmoid.npz").exists() and (tmp_path / "jsb-gru-sigmoid.json").exists()
    assert "after 1 epoch," in result.stdout and "nats/key" in result.stdout
    mine = get_preset("jsb-gru-sigmoid", [override])
    assert mine.weights_file == tmp_path / "jsb-gru-sigmoid.npz"
    assert json.loads(mine.card_file.read_text())["data"]["source"] == "jsb:jsb-chorales-quarter"
    generated = run_musigan("generate", "jsb-gru-sigmoid", "--config", override, "--bars", "1", "--out",
                            tmp_path / "x.mid")
    assert generated.returncode == 0, generated.stderr
    assert digests() == before


@pytest.mark.slow
def test_a_one_file_folder_trains_and_the_budget_holds_inside_an_epoch(tmp_path):
    folder = tmp_path / "tunes"
    folder.mkdir()
    track = mido.MidiTrack()
    for pitch in [60, 62, 64, 65, 67, 69, 71, 72] * 8:
        track += [mido.Message("note_on", note=pitch, velocity=80), mido.Message("note_off", note=pitch, time=240)]
    mido.MidiFile(tracks=[track]).save(folder / "only.mid")
    config = tmp_path / "tiny.yaml"
    config.write_text(f"""
one:
  data: {{source: "{folder}", encoding: {{name: events}}}}
  model: {{layers: 1, units: 16, embedding: 8, dropout: 0.0}}
  training: {{epochs: 2, batch_size: 4, sequence_length: 32, sample_every: 0}}
budget:
  data: {{source: "jsb:jsb-chorales-16th", steps_per_quarter: 4, encoding: {{name: frames}}, max_pieces: 200}}
  model: {{layers: 1, units: 16, embedding: 8, dropout: 0.0}}
  training: {{epochs: 5, batch_size: 1, sequence_length: 16, sample_every: 0, max_minutes: 0.01}}
""")
    one = run_musigan("train", "one", "--config", config, "--out", tmp_path / "run-one", timeout=600)
    assert one.returncode == 0, one.stderr[-2000:]
    assert "no valid pieces: validating on the last 1 train piece(s)" in one.stdout
    budget = run_musigan("train", "budget", "--config", config, "--out", tmp_path / "run-budget", timeout=600)
    assert budget.returncode == 0, budget.stderr[-2000:]
    history = json.loads((tmp_path / "run-budget" / "state.json").read_text())["history"]
    # 0.6 s for the whole command, spent before the first epoch began: that epoch stops after one batch
    assert len(history) == 1 and history[0]["batches"] == 1 < history[0]["of_batches"], history
