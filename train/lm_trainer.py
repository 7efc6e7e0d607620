"""The language model's part of a training run: build, one epoch of teacher-forced windows, the
validation NLL that picks the best epoch, samples from the NumPy stepper, and the export figures."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from ..models import recurrent
from ..models.generation import prime, sample_steps
from ..models.midi_file import write_midi
from ..models.sampling import Sampler
from ..models.stepper import Stepper
from .backend import tensorboard
from .evaluate import split_nll
from .epoch_result import EpochResult
from .multihost import local_share, process_count, process_index, undistributed

keras = recurrent.keras


def compile_model(model, config: dict) -> None:
    head = config.model.head
    loss = (keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight")
            if head == "softmax" else
            keras.losses.BinaryCrossentropy(from_logits=True, reduction="mean_with_sample_weight"))
    training = config.training
    model.compile(optimizer=keras.optimizers.AdamW(
        training.learning_rate, weight_decay=training.weight_decay, clipnorm=1.0,
        use_ema=training.ema > 0, ema_momentum=training.ema or 0.99), loss=loss)


def unalias_averaged_weights(model) -> None:
    """Keras on JAX ends `fit` with an EMA optimizer by assigning each weight its average's own array:
    the next step that donates the optimizer's buffers deletes the model's weights with them (saving
    the checkpoint then fails with "Array has been deleted"). Give each weight a copy of its own."""
    if keras.backend.backend() == "jax" and getattr(model.optimizer, "use_ema", False):
        for variable in model.trainable_variables:
            variable.assign(keras.ops.copy(variable.value))


class BatchProgress(keras.callbacks.Callback):
    """Progress across batches with the running training loss, and the time budget kept inside an
    epoch: past `deadline` (perf_counter seconds) the epoch ends after the current batch."""

    def __init__(self, bar, task, label: str, unit: str, deadline: float):
        super().__init__()
        self.bar, self.task, self.label, self.unit, self.deadline = bar, task, label, unit, deadline
        self.batches = 0  # how many ran: the history says whether the budget cut the epoch short

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        loss = (logs or {}).get("loss", float("nan"))
        self.bar.update(self.task, advance=1, description=f"{self.label} loss {loss:.3f} {self.unit}")
        if time.perf_counter() > self.deadline:
            self.model.stop_training = True


class LanguageModelTrainer:
    kind = "language-model"
    higher_is_better = False   # the score is the validation NLL per step

    replicas = 1   # devices the run trains over (set by `Run`)
    local_model = None  # this process's own copy for held-out figures, in a run of several processes

    def __init__(self, config: dict, encoding, splits: dict, run_dir: Path):
        self.config, self.encoding, self.splits, self.run_dir = config, encoding, splits, run_dir
        self.checkpoint = run_dir / "checkpoint.keras"
        self.callbacks = tensorboard(run_dir / "logs") if process_index() == 0 else []
        # what the training loss averages: a token's NLL, or one key's Bernoulli NLL in a row
        self.loss_unit = "nats/key" if config.model.head == "sigmoid" else "nats/token"

    def build(self) -> None:
        self.model = recurrent.build_language_model(self.config.model, self.encoding.vocab_size)
        compile_model(self.model, self.config)

    def load(self) -> None:
        self.model = keras.saving.load_model(self.checkpoint, safe_mode=True)

    def start_from(self, weights: dict) -> None:
        """A fine-tune begins from a trained preset's weights (its own architecture: the same keys)."""
        recurrent.import_weights(self.model, weights, "the base preset")

    def scale_learning_rate(self, factor: float) -> float:
        rate = self.model.optimizer.learning_rate
        rate.assign(float(rate) * factor)
        return float(rate)

    def checkpoints(self) -> dict:
        return {self.checkpoint: self.model}

    def epoch(self, epoch: int, bar, deadline: float, label: str) -> EpochResult:
        training = self.config.training
        rng = np.random.default_rng(training.seed + epoch)
        data = self.splits["train"].windows(training.sequence_length, rng)
        rows, batch = rng.permutation(len(data.inputs)), training.batch_size
        if self.replicas > 1:  # every batch must split evenly over the devices: the ragged tail waits
            rows = rows[: len(rows) // batch * batch]
        if process_count() > 1:  # this process's share of every batch; the budget is kept between epochs
            rows, batch, deadline = local_share(rows, batch), batch // process_count(), float("inf")
        batches = -(-len(rows) // batch)
        task = bar.add_task(label, total=batches)
        progress = BatchProgress(bar, task, label, self.loss_unit, deadline)
        history = self.model.fit(data.inputs[rows], data.targets[rows], sample_weight=data.weights[rows],
                                 batch_size=batch, shuffle=False, initial_epoch=epoch, epochs=epoch + 1, verbose=0,
                                 callbacks=[progress, *self.callbacks])
        bar.remove_task(task)
        unalias_averaged_weights(self.model)
        weights = recurrent.export_weights(self.model)
        loss, valid = history.history["loss"][-1], self.held_out_nll("valid", weights)
        entry = {"loss": loss, "valid_nll_per_step": valid["nll_per_step"],
                 "valid_nll_per_token": valid["nll_per_token"], "batches": progress.batches, "of_batches": batches}
        summary = (f"loss {loss:.4f} {self.loss_unit}  valid {valid['nll_per_step']:.4f} nats/step "
                   f"{valid['nll_per_token']:.4f} nats/token")
        scalars = {k: valid[k] for k in ("nll_per_step", "nll_per_token", "bits_per_token")}
        return EpochResult(weights, valid["nll_per_step"], entry, summary, scalars)

    def held_out_nll(self, split: str, weights: dict) -> dict:
        """`split_nll` of these weights; in a run of several processes, on a copy of the model that is
        this process's alone (the shared one would take its inputs for a share of a batch)."""
        if process_count() == 1:
            return split_nll(self.model, self.splits[split])
        with undistributed():
            if self.local_model is None:
                self.local_model = recurrent.build_language_model(self.config.model, self.encoding.vocab_size)
            recurrent.import_weights(self.local_model, weights)
            return split_nll(self.local_model, self.splits[split])

    def write_sample(self, weights: dict, path: Path, seed: int, bars: int = 4) -> Path:
        """A sample MIDI from these weights, played by the same NumPy stepper the live path uses."""
        stepper = Stepper(weights, self.config.model, self.encoding.vocab_size)
        sampling = self.config.sampling
        sampler = Sampler(sampling.temperature, sampling.top_p, seed)
        steps = bars * 4 * self.encoding.steps_per_quarter
        tokens = sample_steps(stepper, self.encoding, sampler, steps, prime(stepper, self.encoding))
        return write_midi(self.encoding.decode(tokens, name=path.stem, tempo_bpm=self.config.live.bpm), path)

    def export(self, weights: dict) -> tuple[dict, int, dict]:
        """The best weights' figures on valid and test, the parameter count, and no extra card data."""
        if process_count() == 1:  # several processes measure on their own copy (`held_out_nll`)
            recurrent.import_weights(self.model, weights, "best.npz")
        metrics = {split: self.held_out_nll(split, weights) for split in ("valid", "test")}
        return metrics, int(self.model.count_params()), {}
