"""LSTM vs GRU vs GAN on the same music: held-out likelihood and statistics of what each generates.

    musigan train compare-gru && musigan train compare-lstm && musigan train bach-gan
    python bench/compare.py [--phrases 256] [--draws 4] [--out docs]

All three are trained on the JSB chorales (16th grid, 88-key rows; the language models untransposed,
the GAN, which plays live in any key, augmented); the two language models are the same size (2 x 192),
have the same 40-minute budget and are also compared at the same number of updates (the same epoch);
the GAN (a 2 x 192 LSTM generator) has up to 60 minutes. Each model writes a four-bar phrase after the same
held-out bar (the language models primed with it, the GAN conditioned on it), once as the model alone
and once as it plays (its card's density and key counts); the phrases are compared with the held-out
phrases that really followed, by the overlap of feature distributions (`train/music_stats.py`). The
reference row compares held-out phrases with other held-out phrases: the best a model could score.
Every figure is the mean over draws of other phrases and seeds; ± is their standard deviation.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from musigan.models.generation import prime, sample_steps
from musigan.models.phrase_gan import generate_phrase, keys_in_range
from musigan.models.presets import get_preset
from musigan.models.sampling import Sampler
from musigan.models.stepper import load_stepper
from musigan.train.corpus import load_corpus
from musigan.train.dataset import EncodedSplit
from musigan.train.gan_trainer import phrase_windows
from musigan.cli.evaluate import DRAWS
from musigan.train.music_report import continuation, mean_figures
from musigan.train.music_stats import SCALAR_FEATURES, compare_sets

MODELS = ("compare-gru", "compare-lstm", "bach-gan")
STEPS = 64


def lm_phrases(preset, conditions, seed: int):
    """The model alone: rows drawn key by key at temperature 1 after each condition bar."""
    stepper, encoding = load_stepper(preset), preset.encoding()
    sampler = Sampler(1.0, 1.0, seed)
    rolls = []
    for condition in conditions:
        logits = prime(stepper, encoding, list(condition)).copy()
        rolls.append(np.asarray(sample_steps(stepper, encoding, sampler, STEPS, logits, max_notes=6)))
    return [encoding.decode(roll) for roll in rolls]


def gan_phrases(preset, conditions, seed: int):
    """The generator alone: rows drawn key by key at temperature 1 from its scores, fed back."""
    stepper, encoding, model = load_stepper(preset), preset.encoding(), preset.config.model
    allowed = keys_in_range(preset.card(), encoding.range.low, encoding.vocab_size)
    sampler = Sampler(1.0, 1.0, seed)
    return [encoding.decode(generate_phrase(stepper, sampler, c, STEPS, model.noise, allowed=allowed))
            for c in conditions]


def played_phrases(preset, conditions, real, seed: int):
    """As it plays: what `musigan generate` writes after each condition bar (its card's sampling,
    density, key counts and note lengths)."""
    encoding = preset.encoding()
    return [continuation(preset, encoding.decode(c), like, STEPS, seed + index)
            for index, (c, like) in enumerate(zip(conditions, real))]


def plot(cards, rolls, real, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (nll, gan) = plt.subplots(1, 2, figsize=(11, 3.8))
    for name, card in cards.items():
        history = card["history"]
        epochs = [h["epoch"] for h in history]
        if card["kind"] == "gan":
            gan.plot(epochs, [h["valid_overlap"] for h in history], label=name)
        else:
            nll.plot(epochs, [h["valid_nll_per_step"] for h in history], label=name)
    nll.set(title="language models: validation NLL", xlabel="epoch", ylabel="nats per 16th step")
    gan.set(title="GAN: music-statistics overlap (validation)", xlabel="epoch", ylabel="mean overlap")
    nll.legend(), gan.legend()
    fig.tight_layout()
    fig.savefig(out / "compare-curves.png", dpi=110)

    fig, axes = plt.subplots(1, len(rolls) + 1, figsize=(13, 3.6), sharey=True)
    for axis, (title, roll) in zip(axes, [("held-out chorale", real), *rolls.items()]):
        axis.imshow(np.asarray(roll).T, origin="lower", aspect="auto", cmap="Greys", interpolation="nearest",
                    extent=(0, len(roll), 21, 109))
        axis.set(title=title, xlabel="16th step")
    axes[0].set_ylabel("MIDI pitch")
    fig.tight_layout()
    fig.savefig(out / "compare-rolls.png", dpi=110)


def same_updates(cards: dict) -> str:
    """Same time is the budget; same updates is the same epoch (same data, batch and window length, so
    the same number of optimizer steps): each language model's valid NLL at the last epoch both reached."""
    epoch = min(card["epochs"] for card in cards.values())
    figures = ", ".join(f"{name} {card['history'][epoch - 1]['valid_nll_per_step']:.3f}"
                        for name, card in cards.items())
    return f"same updates: valid NLL/step at epoch {epoch}, the last both reached: {figures}"


def one_draw(presets, encoding, windows, phrases: int, draw: int):
    """Every model's figures on one draw of held-out phrases (draw 0: the phrases and seeds the bench
    always used), the ceiling's, the first phrase each model played and the first real one."""
    (test_phrases, test_conditions), (valid_phrases, _) = windows
    pick = np.random.default_rng(7 + draw).permutation(len(test_phrases))[:phrases]
    real = [encoding.decode(p) for p in test_phrases[pick]]
    others = np.random.default_rng(8 + draw).permutation(len(valid_phrases))[:phrases]
    other = [encoding.decode(p) for p in valid_phrases[others]]
    seed = 11 + draw * phrases
    results, rolls = {}, {}
    for name, preset in presets.items():
        alone = gan_phrases if preset.config.model.kind == "gan" else lm_phrases
        results[f"{name} (model alone)"] = compare_sets(alone(preset, test_conditions[pick], seed), real)
        played = played_phrases(preset, test_conditions[pick], real, seed)
        rolls[name] = encoding.encode(played[0])
        results[f"{name} (as it plays)"] = compare_sets(played, real)
    return results, compare_sets(other, real), rolls, test_phrases[pick][0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phrases", type=int, default=256, help="phrases per model and draw (default 256)")
    parser.add_argument("--draws", type=int, default=DRAWS,
                        help=f"draws of other phrases and seeds, averaged; ± is their s.d. (default {DRAWS})")
    parser.add_argument("--out", default="docs", help="folder for the PNG plots (default docs)")
    args = parser.parse_args()
    presets = {name: get_preset(name) for name in MODELS}
    cards = {name: preset.card() for name, preset in presets.items()}
    encoding = presets["bach-gan"].encoding()
    corpus = load_corpus(presets["bach-gan"].source(), steps_per_quarter=4, progress=False)
    windows = [phrase_windows(EncodedSplit(corpus.split(split), encoding), STEPS, STEPS // 4) for split in ("test", "valid")]
    draws = [one_draw(presets, encoding, windows, args.phrases, draw) for draw in range(args.draws)]
    results, reference = mean_figures([d[0] for d in draws]), mean_figures([d[1] for d in draws])
    spread = {name: float(np.std([d[0][name]["mean_overlap"] for d in draws])) for name in results}
    spread["ceiling"] = float(np.std([d[1]["mean_overlap"] for d in draws]))

    features = (*SCALAR_FEATURES, "pitch_classes")
    header = ["model", "params", "train s", "epochs", "test NLL/step", *features, "mean overlap"]
    print("| " + " | ".join(header) + " |")
    print("|" + " --- |" * len(header))
    for name, stats in results.items():
        card = cards[name.split(" (")[0]]
        nll = f"{card['metrics']['test']['nll_per_step']:.3f}" if card["kind"] != "gan" else "n/a (GAN)"
        row = [name, f"{card['parameters']:,}", f"{card['training_seconds']:.0f}", str(card["epochs"]), nll,
               *[f"{stats[f]['overlap']:.3f}" for f in features],
               f"**{stats['mean_overlap']:.3f}** ± {spread[name]:.3f}"]
        print("| " + " | ".join(row) + " |")
    row = ["held-out vs held-out (ceiling)", "", "", "", "", *[f"{reference[f]['overlap']:.3f}" for f in features],
           f"{reference['mean_overlap']:.3f} ± {spread['ceiling']:.3f}"]
    print("| " + " | ".join(row) + " |")
    print()
    means = ["note_density", "polyphony", "pitch_range"]
    print("| model | " + " | ".join(f"{m} (generated / held-out)" for m in means) + " |")
    print("|" + " --- |" * (len(means) + 1))
    for name, stats in results.items():
        pairs = [f"{stats[m]['generated']:.2f} / {stats[m]['reference']:.2f}" for m in means]
        print(f"| {name} | " + " | ".join(pairs) + " |")
    print()
    print(same_updates({name: card for name, card in cards.items() if card["kind"] != "gan"}))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    _, _, rolls, real = draws[0]
    plot(cards, rolls, real, out)
    print(f"\nplots: {out / 'compare-curves.png'}, {out / 'compare-rolls.png'} "
          f"({args.draws} draws of {args.phrases} phrases per model)")


if __name__ == "__main__":
    main()
