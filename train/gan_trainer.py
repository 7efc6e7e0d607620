"""The phrase GAN's part of a training run (`train/run.py` keeps the loop, checkpoints and budget):
its epochs (`train/gan_step.py`), and the best generator chosen by how its music compares with
held-out music.

Each epoch the generator writes phrases that are compared with held-out phrases on the statistics
of `train/music_stats.py`; the epoch with the highest mean overlap is exported. That number, not
the adversarial losses (which do not tell quality), is what the card and the progress line report.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..models import recurrent
from ..models.gan import build_discriminator, build_generator
from ..models.midi_file import write_midi
from ..models.notes import PITCH
from ..models.metre import Metre
from ..models.phrase_gan import generate_phrase, generator_rows, keys_in_range
from ..models.sampling import Sampler
from ..models.stepper import Stepper
from .gan_step import StatelessGan
from .music_stats import compare_sets
from .epoch_result import EpochResult

keras = recurrent.keras
MONITOR_PHRASES = 48


def phrase_windows(split, steps: int, bar: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """(phrases, conditions): every bar-aligned window of `steps` and the bar (`bar` steps) before it
    (silence before a piece's first bar); with an rng, each piece in a random key of its shifts."""
    phrases, conditions = [], []
    for index in range(len(split.pieces)):
        shift = int(rng.choice(split.shifts[index])) if rng is not None else 0
        roll = split.encoded(index, shift)
        for start in range(0, len(roll) - steps + 1, bar):
            phrases.append(roll[start:start + steps])
            conditions.append(roll[start - bar:start] if start else np.zeros((bar, roll.shape[1]), roll.dtype))
    return np.asarray(phrases, np.float32), np.asarray(conditions, np.float32)


class GanTrainer:
    kind = "gan"
    higher_is_better = True   # the score is the mean music-statistics overlap with held-out phrases

    def __init__(self, config: dict, encoding, splits: dict, run_dir: Path):
        self.config, self.encoding, self.splits = config, encoding, splits
        self.generator_file, self.critic_file = run_dir / "generator.keras", run_dir / "critic.keras"
        self.bar = Metre.parse(config.data.metre).steps_per_bar(encoding.steps_per_quarter)  # its phrases' bar
        self.steps = config.model.phrase_bars * self.bar
        phrases, conditions = phrase_windows(splits["valid"], self.steps, self.bar)
        pick = np.random.default_rng(0).permutation(len(phrases))[:MONITOR_PHRASES]
        self.reference = phrases[pick], conditions[pick]

    def build(self) -> None:
        rate, keys = self.config.training.learning_rate, self.encoding.vocab_size
        self.generator = build_generator(self.config.model, keys)
        self.critic = build_discriminator(self.steps, keys)
        self.generator.compile(optimizer=keras.optimizers.Adam(rate, beta_1=0.5, clipnorm=1.0))
        self.critic.compile(optimizer=keras.optimizers.Adam(rate, beta_1=0.5))
        self.gan = StatelessGan(self.generator, self.critic, self.steps, self.config.training.adversarial)

    def load(self) -> None:
        self.generator = keras.saving.load_model(self.generator_file, safe_mode=True)
        self.critic = keras.saving.load_model(self.critic_file, safe_mode=True)
        self.gan = StatelessGan(self.generator, self.critic, self.steps, self.config.training.adversarial)

    def scale_learning_rate(self, factor: float) -> float:
        for model in (self.generator, self.critic):
            model.optimizer.learning_rate.assign(float(model.optimizer.learning_rate) * factor)
        return float(self.generator.optimizer.learning_rate)

    def checkpoints(self) -> dict:
        return {self.generator_file: self.generator, self.critic_file: self.critic}

    def epoch(self, epoch: int, bar, deadline: float, label: str) -> EpochResult:
        batch, noise = self.config.training.batch_size, self.config.model.noise
        rng = np.random.default_rng(self.config.training.seed + epoch)
        phrases, conditions = phrase_windows(self.splits["train"], self.steps, self.bar, rng)
        order = rng.permutation(len(phrases))
        task = bar.add_task(label, total=len(order) // batch)

        def batches():
            for start in range(0, len(order) - batch + 1, batch):
                pick = order[start:start + batch]
                rows = np.stack([generator_rows(rng, c, self.steps, noise) for c in conditions[pick]])
                uniforms = rng.random(phrases[pick].shape, np.float32)
                yield phrases[pick], conditions[pick], rows, uniforms

        def progress(losses) -> bool:
            bar.update(task, advance=1, description=f"{label} D {losses[0]:.3f} G {losses[1]:.3f} NLL {losses[2]:.2f}")
            return time.perf_counter() > deadline  # the time budget holds inside an epoch too

        losses = self.gan.run(batches(), progress)
        bar.remove_task(task)
        critic_loss, generator_loss, likelihood = np.mean(losses, axis=0)
        weights = recurrent.export_weights(self.generator)
        reference, reference_conditions = self.reference
        stats = compare_sets(self.generated_sequences(weights, reference_conditions, epoch),
                             [self.encoding.decode(p) for p in reference])
        score, density = stats["mean_overlap"], stats["note_density"]
        losses = {"critic_loss": float(critic_loss), "generator_loss": float(generator_loss),
                  "train_nll_per_step": float(likelihood)}
        entry = {**losses, "valid_overlap": score, "note_density": density["generated"]}
        summary = (f"D {critic_loss:.3f} G {generator_loss:.3f} NLL {likelihood:.2f}  valid overlap {score:.3f} "
                   f"(density {density['generated']:.1f} vs {density['reference']:.1f} notes/bar)")
        scalars = {"overlap": score, **losses}
        return EpochResult(weights, score, entry, summary, scalars)

    def pitch_range(self) -> list[int]:
        """Lowest and highest pitch of the training data, transpositions included."""
        split = self.splits["train"]
        lows = [int(p.notes[:, PITCH].min()) + min(s) for p, s in zip(split.pieces, split.shifts)]
        highs = [int(p.notes[:, PITCH].max()) + max(s) for p, s in zip(split.pieces, split.shifts)]
        return [min(lows), max(highs)]

    def generated_sequences(self, weights: dict, conditions, seed: int):
        """Its phrases after `conditions`, each key drawn as the model scores it (temperature 1, no
        key-count tilt or density governor: those are calibrated after training)."""
        stepper = Stepper(weights, self.config.model, self.encoding.vocab_size)
        sampler = Sampler(seed=seed)
        noise = self.config.model.noise
        allowed = keys_in_range({"data": {"pitch_range": self.pitch_range()}}, self.encoding.range.low,
                                self.encoding.vocab_size)
        return [self.encoding.decode(generate_phrase(stepper, sampler, c, self.steps, noise, allowed=allowed))
                for c in conditions]

    def write_sample(self, weights: dict, path: Path, seed: int) -> None:
        _, conditions = self.reference
        phrase = self.generated_sequences(weights, conditions[:1], seed)[0]
        phrase.tempo_bpm = self.config.live.bpm
        write_midi(phrase, path)

    def export(self, weights: dict) -> tuple[dict, int, dict]:
        """The best generator's music overlap on test phrases, its parameter count, and the pitch
        range it was trained on (the live companion keeps to it)."""
        test_phrases, test_conditions = phrase_windows(self.splits["test"], self.steps, self.bar)
        pick = np.random.default_rng(1).permutation(len(test_phrases))[:MONITOR_PHRASES]
        test = compare_sets(self.generated_sequences(weights, test_conditions[pick], 1),
                            [self.encoding.decode(p) for p in test_phrases[pick]])
        return {"test_music": test}, int(self.generator.count_params()), {"pitch_range": self.pitch_range()}
