"""The phrase GAN: real (brief) training on real chorales, then music that looks like the corpus."""
import os
from pathlib import Path

import mido
import numpy as np
import pytest
from musigan.live.companions import companion_for
from musigan.live.engine import Engine
from musigan.live.settings import LiveSettings
from musigan.live.simulation import MemoryOutput, SimulatedClock, drive
from musigan.models.presets import PresetError, get_preset, load_presets
from musigan.train.corpus import load_corpus
from musigan.train.music_stats import piece_features
from support import run_musigan

JSB_16TH = "jsb-chorales-16th"  # shipped in data/jsb


def gan_preset(folder: Path) -> Path:
    path = folder / "gan.yaml"
    path.write_text(f"""
tinygan:
  data: {{source: "jsb:{JSB_16TH}", steps_per_quarter: 4, encoding: {{name: pianoroll, width: 88}}, max_pieces: 120}}
  model: {{kind: gan, cell: lstm, layers: 1, units: 64, embedding: 32, dropout: 0.0, noise: 8, phrase_bars: 4}}
  training: {{epochs: 8, batch_size: 32, learning_rate: 0.001, sample_every: 4, patience: 10}}
  live: {{mode: respond, answer_bars: 4}}
""")
    return path


@pytest.fixture(scope="module")
def trained_gan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gan")
    config = gan_preset(folder)
    result = run_musigan("train", "tinygan", "--config", config, "--out", folder / "run", timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return folder, config


@pytest.mark.slow
def test_gan_makes_phrases_like_the_corpus(trained_gan):
    folder, config = trained_gan
    card = get_preset("tinygan", [config]).card()
    # it learned: the chorales' likelihood under the generator rose over the 8 epochs it trained
    history = card["history"]
    assert [h["epoch"] for h in history] == list(range(1, 9))
    assert history[-1]["train_nll_per_step"] < history[0]["train_nll_per_step"], history
    # statistics of generated vs held-out phrases overlap (1 = alike); a collapsed or untrained
    # generator scores under 0.1 here
    assert card["metrics"]["test_music"]["mean_overlap"] > 0.3
    assert sorted(p.name for p in (folder / "run" / "samples").iterdir()) == ["epoch-004.mid", "epoch-008.mid"]

    out = folder / "new.mid"
    generated = run_musigan("generate", "tinygan", "--config", config, "--bars", "16", "--out", out, "--seed", "5")
    assert generated.returncode == 0, generated.stderr
    from musigan.models.midi_file import read_midi

    piece = read_midi(out)
    assert any(m.type == "note_on" for m in mido.MidiFile(out))
    phrases = [piece.slice_steps(start, start + 64) for start in range(0, 256, 64)]
    assert all(len(p) for p in phrases), "an empty phrase"

    # like with like: four-bar phrases against four-bar slices of held-out chorales
    chorales = load_corpus(f"jsb:{JSB_16TH}", progress=False).split("valid")
    reference = [piece_features(c.slice_steps(s, s + 64)) for c in chorales for s in range(0, c.total_steps - 63, 64)]
    generated_features = [piece_features(p) for p in phrases]
    low, high = np.percentile([f["note_density"] for f in reference], [2, 98])
    median = float(np.median([f["note_density"] for f in generated_features]))
    assert low <= median <= high, f"note density {median:.1f} outside the corpus's {low:.1f}..{high:.1f}"
    # a tiny GAN trained 8 epochs writes narrower phrases than the chorales (their narrowest four bars
    # span 19 semitones); it must still move over more than an octave, not collapse onto a few keys
    assert float(np.median([f["pitch_range"] for f in generated_features])) > 12


@pytest.mark.slow
def test_gan_answers_whole_phrases_in_respond_mode(trained_gan):
    _, config = trained_gan
    companion = companion_for(get_preset("tinygan", [config]), seed=3)
    clock = SimulatedClock()
    output = MemoryOutput(clock)
    engine = Engine(companion, output.send, LiveSettings(mode="respond", answer_bars=2))
    phrase = []
    for i, pitch in enumerate((67, 71, 74, 72)):
        phrase += [(i * 4 + 0.1, mido.Message("note_on", note=pitch, velocity=80)),
                   (i * 4 + 3.5, mido.Message("note_off", note=pitch))]
    drive(engine, clock, phrase, 64)
    # after the default 0.7-beat gap (3 steps) that follows the last release at 15.5, within a beat of it
    assert output.notes() and 18.5 <= min(p for p, _ in output.notes()) <= 19.5
    assert not engine.tracker.held
    with pytest.raises(ValueError, match="harmonize needs a preset whose steps put the melody first"):
        list(companion.voices_under(72, 3))


def test_gan_presets_validate(tmp_path):
    assert load_presets()["bach-gan"].config.model.kind == "gan"
    path = tmp_path / "bad.yaml"
    path.write_text("g:\n  data: {source: a, encoding: {name: frames}}\n  model: {kind: gan}\n")
    with pytest.raises(PresetError, match="g.data.encoding: a gan preset needs the pianoroll encoding"):
        load_presets([path])


@pytest.mark.slow
def test_the_gan_trains_under_jax_too_and_plays_through_the_numpy_stepper(tmp_path):
    """One training step written with keras.ops and stateless calls: a machine with only JAX (a GPU
    box without TensorFlow) trains the GAN; the weights it exports play live like any other."""
    config = gan_preset(tmp_path)
    config.write_text(config.read_text().replace("epochs: 8", "epochs: 2").replace("sample_every: 4", "sample_every: 0"))
    result = run_musigan("train", "tinygan", "--config", config, "--out", tmp_path / "run", "--no-calibration",
                         timeout=900, env={**os.environ, "KERAS_BACKEND": "jax"})
    assert result.returncode == 0, result.stderr[-3000:]
    card = get_preset("tinygan", [config]).card()
    assert card["hardware"]["backend"] == "jax" and card["epochs"] == 2
    assert "density_offsets" not in card["data"]  # --no-calibration: left for `evaluate --density`
    assert card["metrics"]["test_music"]["mean_overlap"] > 0.2  # it learned something in two epochs
    companion = companion_for(get_preset("tinygan", [config]), seed=1)
    assert any(companion.step() for _ in range(64))


def test_the_free_running_generator_is_the_network_the_stepper_plays():
    """What the critic judges in training (the generator writing on its own, step by step through its
    layers' cells) is what the network gives when each step is fed what it drew, and what the NumPy
    stepper gives live."""
    from musigan.models import recurrent
    from musigan.models.gan import build_generator
    from musigan.models.phrase_gan import generator_rows
    from musigan.models.preset_schema import Model
    from musigan.models.stepper import Stepper
    from musigan.train.gan_step import free_run, previous_rows

    ops = recurrent.keras.ops
    model = Model(kind="gan", cell="gru", layers=2, units=16, embedding=8, dropout=0.0, head="sigmoid", noise=4,
                  phrase_bars=1)
    generator = build_generator(model, 12)
    rng = np.random.default_rng(0)
    conditions = (rng.random((3, 16, 12)) < 0.2).astype(np.float32)
    rows = np.stack([generator_rows(rng, c, 16, 4) for c in conditions])
    uniforms = rng.random((3, 16, 12)).astype(np.float32)
    drawn = ops.convert_to_numpy(free_run(generator, ops.convert_to_tensor(rows), conditions[:, -1], uniforms))
    assert set(np.unique(drawn)) <= {0.0, 1.0} and 0 < drawn.mean() < 1
    teacher = np.concatenate([rows, ops.convert_to_numpy(previous_rows(drawn, conditions))], axis=-1)
    probabilities = ops.convert_to_numpy(ops.sigmoid(generator(teacher)))
    assert np.array_equal(drawn, (uniforms < probabilities).astype(np.float32))
    stepper = Stepper(recurrent.export_weights(generator), model, 12)
    stepped = np.array([stepper.step(row).copy() for row in teacher[0]])
    np.testing.assert_allclose(1 / (1 + np.exp(-stepped)), probabilities[0], atol=1e-5)


def test_an_old_gan_generator_is_refused_in_one_line(tmp_path):
    """Weights of the earlier generator (its rows lacked what it played) cannot step: `generate` says
    so and which array, instead of failing inside NumPy."""
    from musigan.models.files import load_npz, save_npz

    config = tmp_path / "old.yaml"
    config.write_text(f"""
oldgan:
  data: {{source: "jsb:{JSB_16TH}", steps_per_quarter: 4, encoding: {{name: pianoroll, width: 88}}}}
  model: {{kind: gan, cell: lstm, layers: 2, units: 192, embedding: 64, dropout: 0.0, noise: 16, phrase_bars: 4}}
""")
    shipped = get_preset("bach-gan")
    weights = load_npz(shipped.weights_stem.with_suffix(".npz"))
    weights["embedding/kernel"] = weights["embedding/kernel"][:2 * 16 + 88]   # noise, phrase noise, condition
    save_npz(tmp_path / "oldgan.npz", weights)
    (tmp_path / "oldgan.json").write_text(shipped.weights_stem.with_suffix(".json").read_text())
    result = run_musigan("generate", "oldgan", "--config", config, "--bars", "2", "--out", tmp_path / "x.mid")
    assert result.returncode == 2 and result.stderr.strip().count("\n") == 0, result.stderr
    assert "embedding/kernel takes rows of 120, this model needs 208" in result.stderr
    assert "retrain it" in result.stderr
