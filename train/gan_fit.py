"""`musigan train` for GAN presets: phrase GAN training with checkpoints, resume, TensorBoard,
sample MIDI files, and the best generator chosen by how its music compares with held-out music.

Each epoch the generator writes phrases that are compared with held-out phrases on the statistics
of `train/music_stats.py`; the epoch with the highest mean overlap is exported. That number, not
the adversarial losses (which do not tell quality), is what the card and the progress line report.
"""
from __future__ import annotations

import time

import numpy as np

from ..models import recurrent
from ..models.gan import build_discriminator, build_generator
from ..models.midi_file import write_midi
from ..models.phrase_gan import STEPS_PER_BAR, generate_phrase, generator_rows, keys_in_range
from ..models.stepper import Stepper
from .fit import SEED, RunError, TrainingRun, log_scalars
from .music_stats import compare_sets

keras = recurrent.keras
FEATURE_MATCHING = 1.0
MONITOR_PHRASES = 48


def phrase_windows(split, steps: int, rng=None) -> tuple[np.ndarray, np.ndarray]:
    """(phrases, conditions): every bar-aligned window of `steps` and the bar before it (silence
    before a piece's first bar); with an rng, each piece in a random key of its shifts."""
    phrases, conditions = [], []
    for index in range(len(split.pieces)):
        shift = int(rng.choice(split.shifts[index])) if rng is not None else 0
        roll = split.encoded(index, shift)
        for start in range(0, len(roll) - steps + 1, STEPS_PER_BAR):
            phrases.append(roll[start:start + steps])
            conditions.append(roll[start - STEPS_PER_BAR:start] if start else np.zeros_like(roll[:STEPS_PER_BAR]))
    return np.asarray(phrases, np.float32), np.asarray(conditions, np.float32)


def binarize(probabilities):
    """Deterministic binary neurons with a straight-through gradient (Dong & Yang 2018): the critic
    sees 0/1 rolls like the real ones, so it cannot win by spotting soft values."""
    import tensorflow as tf

    return probabilities + tf.stop_gradient(tf.round(probabilities) - probabilities)


def critic_input(phrases, conditions, steps: int):
    """The phrase and its condition bar tiled under it, as two channels."""
    import tensorflow as tf

    tiled = tf.tile(conditions, [1, steps // STEPS_PER_BAR, 1])
    return tf.stack([phrases, tiled], axis=-1)


class GanRun(TrainingRun):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if keras.backend.backend() != "tensorflow":
            raise RunError("GAN training runs on the TensorFlow backend only (its train step uses "
                           "tf.GradientTape); unset KERAS_BACKEND. The language models train on any backend.")
        self.generator_file, self.critic_file = self.run_dir / "generator.keras", self.run_dir / "critic.keras"

    @property
    def steps(self) -> int:
        return self.config["model"]["phrase_bars"] * STEPS_PER_BAR

    def run(self) -> dict:
        keras.utils.set_random_seed(SEED)
        self.prepare()
        (self.run_dir / "samples").mkdir(parents=True, exist_ok=True)
        keys = self.encoding.vocab_size
        if self.resume:
            generator = keras.saving.load_model(self.generator_file, safe_mode=True)
            critic = keras.saving.load_model(self.critic_file, safe_mode=True)
            self.load_state()
        else:
            rate = self.config["training"]["learning_rate"]
            generator = build_generator(self.config["model"], keys)
            critic = build_discriminator(self.steps, keys)
            generator.compile(optimizer=keras.optimizers.Adam(rate, beta_1=0.5))
            critic.compile(optimizer=keras.optimizers.Adam(rate, beta_1=0.5))
        self.reference = self.reference_phrases()
        self.fit_gan(generator, critic)
        return self.export_gan(generator)

    def reference_phrases(self):
        phrases, conditions = phrase_windows(self.splits["valid"], self.steps)
        pick = np.random.default_rng(0).permutation(len(phrases))[:MONITOR_PHRASES]
        return phrases[pick], conditions[pick]

    def make_train_step(self, generator, critic):
        import tensorflow as tf

        steps = self.steps

        @tf.function
        def train_step(real, conditions, rows):
            with tf.GradientTape() as tape:
                fake = binarize(tf.sigmoid(generator(rows, training=True)))
                real_logit, _ = critic(critic_input(real, conditions, steps), training=True)
                fake_logit, _ = critic(critic_input(fake, conditions, steps), training=True)
                critic_loss = tf.reduce_mean(tf.nn.softplus(-real_logit)) + tf.reduce_mean(tf.nn.softplus(fake_logit))
            grads = tape.gradient(critic_loss, critic.trainable_variables)
            critic.optimizer.apply(grads, critic.trainable_variables)
            with tf.GradientTape() as tape:
                fake = binarize(tf.sigmoid(generator(rows, training=True)))
                fake_logit, fake_features = critic(critic_input(fake, conditions, steps), training=True)
                _, real_features = critic(critic_input(real, conditions, steps), training=True)
                matching = tf.reduce_mean(tf.square(tf.reduce_mean(real_features, 0) - tf.reduce_mean(fake_features, 0)))
                generator_loss = tf.reduce_mean(tf.nn.softplus(-fake_logit)) + FEATURE_MATCHING * matching
            grads = tape.gradient(generator_loss, generator.trainable_variables)
            generator.optimizer.apply(grads, generator.trainable_variables)
            return critic_loss, generator_loss

        return train_step

    def fit_gan(self, generator, critic) -> None:
        batch, noise = self.config["training"]["batch_size"], self.config["model"]["noise"]
        train_step = self.make_train_step(generator, critic)
        for bar, epoch, deadline in self.epoch_loop():
            started = time.perf_counter()
            rng = np.random.default_rng(SEED + epoch)
            phrases, conditions = phrase_windows(self.splits["train"], self.steps, rng)
            order = rng.permutation(len(phrases))
            task = bar.add_task(f"epoch {epoch + 1}/{self.epochs}", total=len(order) // batch)
            losses = []
            for start in range(0, len(order) - batch + 1, batch):
                pick = order[start:start + batch]
                rows = np.stack([generator_rows(rng, c, self.steps, noise) for c in conditions[pick]])
                losses.append([float(x) for x in train_step(phrases[pick], conditions[pick], rows)])
                bar.update(task, advance=1, description=f"epoch {epoch + 1}/{self.epochs} D {losses[-1][0]:.3f} "
                                                        f"G {losses[-1][1]:.3f}")
                if time.perf_counter() > deadline:  # the time budget holds inside an epoch too
                    break
            bar.remove_task(task)
            self.end_gan_epoch(generator, critic, epoch, np.mean(losses, axis=0), time.perf_counter() - started)

    def pitch_range(self) -> list[int]:
        """Lowest and highest pitch of the training data, transpositions included."""
        split = self.splits["train"]
        lows = [int(p.notes[:, 0].min()) + min(s) for p, s in zip(split.pieces, split.shifts)]
        highs = [int(p.notes[:, 0].max()) + max(s) for p, s in zip(split.pieces, split.shifts)]
        return [min(lows), max(highs)]

    def generated_sequences(self, weights: dict, conditions, seed: int):
        stepper = Stepper(weights, self.config["model"], self.encoding.vocab_size)
        rng = np.random.default_rng(seed)
        noise = self.config["model"]["noise"]
        allowed = keys_in_range({"data": {"pitch_range": self.pitch_range()}}, self.encoding.range.low,
                                self.encoding.vocab_size)
        return [self.encoding.decode(generate_phrase(stepper, rng, c, self.steps, noise, allowed=allowed))
                for c in conditions]

    def end_gan_epoch(self, generator, critic, epoch, losses, seconds) -> None:
        weights = recurrent.export_weights(generator)
        phrases, conditions = self.reference
        stats = compare_sets(self.generated_sequences(weights, conditions, epoch),
                             [self.encoding.decode(p) for p in phrases])
        score = stats["mean_overlap"]
        entry = {"critic_loss": float(losses[0]), "generator_loss": float(losses[1]), "valid_overlap": score,
                 "note_density": stats["note_density"]["generated"]}
        improved = self.record_epoch(weights, score, True, entry, seconds,
                                     {self.generator_file: generator, self.critic_file: critic})
        log_scalars(self.run_dir / "logs" / "validation", epoch + 1,
                    {"overlap": score, "critic_loss": float(losses[0]), "generator_loss": float(losses[1])})
        every = self.config["training"]["sample_every"]
        if every and (epoch + 1) % every == 0:
            self.write_gan_sample(weights, epoch)
        self.console.print(f"epoch {epoch + 1}: D {losses[0]:.3f} G {losses[1]:.3f}  valid overlap {score:.3f} "
                           f"(density {stats['note_density']['generated']:.1f} vs {stats['note_density']['reference']:.1f}"
                           f" notes/bar){'  (best)' if improved else ''}  {seconds:.0f}s", highlight=False)

    def write_gan_sample(self, weights, epoch: int) -> None:
        _, conditions = self.reference
        phrase = self.generated_sequences(weights, conditions[:1], epoch)[0]
        phrase.tempo_bpm = self.config["live"]["bpm"]
        write_midi(phrase, self.run_dir / "samples" / f"epoch-{epoch + 1:03d}.mid")

    def export_gan(self, generator) -> dict:
        weights = self.best_weights()
        test_phrases, test_conditions = phrase_windows(self.splits["test"], self.steps)
        pick = np.random.default_rng(1).permutation(len(test_phrases))[:MONITOR_PHRASES]
        test = compare_sets(self.generated_sequences(weights, test_conditions[pick], 1),
                            [self.encoding.decode(p) for p in test_phrases[pick]])
        return self.publish(weights, "gan", {"test_music": test}, int(generator.count_params()),
                            pitch_range=self.pitch_range())
