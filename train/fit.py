"""`musigan train`: fit a preset's language model, checkpoint every epoch, export the preset.

A run folder holds `checkpoint.keras` (model and optimiser, written atomically), `state.json` (epoch,
best validation NLL, history), `best.npz` (the best weights so far), TensorBoard logs under `logs/`
and sample MIDI files under `samples/`. A killed run resumed with `--resume` loses at most the epoch
it was in: each epoch's data comes from a generator seeded by the epoch number.
"""
from __future__ import annotations

import json
import os
import platform
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..models import recurrent
from ..models.generation import prime, sample_steps
from ..models.midi_file import write_midi
from ..models.sampling import Sampler
from ..models.stepper import Stepper
from .corpus import load_corpus
from .dataset import EncodedSplit, prepare_splits
from .evaluate import split_nll
from .progress import progress_display

keras = recurrent.keras
SEED = 1234


class RunError(RuntimeError):
    """A run folder in a state that training must not overwrite; the message says what to do."""


def atomic_write_bytes(path: Path, write) -> None:
    """`write(tmp_path)` then rename over `path`: a kill never leaves half a file."""
    tmp = path.with_name(f"tmp-{path.name}")
    write(tmp)
    os.replace(tmp, path)


def save_npz(path: Path, arrays: dict) -> None:
    atomic_write_bytes(path, lambda tmp: np.savez(tmp, **arrays))


def save_json(path: Path, data: dict) -> None:
    atomic_write_bytes(path, lambda tmp: tmp.write_text(json.dumps(data, indent=2, sort_keys=True)))


def hardware() -> dict:
    backend = keras.backend.backend()
    devices = []
    if backend == "tensorflow":
        import tensorflow as tf

        devices = [d.name for d in tf.config.list_physical_devices("GPU")]
    elif backend == "jax":
        import jax

        devices = [str(d) for d in jax.devices() if d.platform != "cpu"]
    elif backend == "torch":
        import torch

        devices = [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
    return {"backend": backend, "keras": keras.__version__, "gpus": devices, "cpu_count": os.cpu_count(),
            "machine": f"{platform.system()} {platform.machine()}", "python": platform.python_version()}


def compile_model(model, config: dict) -> None:
    head = config["model"]["head"]
    loss = (keras.losses.SparseCategoricalCrossentropy(from_logits=True, reduction="mean_with_sample_weight")
            if head == "softmax" else
            keras.losses.BinaryCrossentropy(from_logits=True, reduction="mean_with_sample_weight"))
    model.compile(optimizer=keras.optimizers.Adam(config["training"]["learning_rate"], clipnorm=1.0), loss=loss)


class BatchProgress(keras.callbacks.Callback):
    """Progress across batches with the running training loss, and the time budget kept inside an
    epoch: past `deadline` (perf_counter seconds) the epoch ends after the current batch."""

    def __init__(self, bar, task, label: str, unit: str, deadline: float):
        super().__init__()
        self.bar, self.task, self.label, self.unit, self.deadline = bar, task, label, unit, deadline

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss", float("nan"))
        self.bar.update(self.task, advance=1, description=f"{self.label} loss {loss:.3f} {self.unit}")
        if time.perf_counter() > self.deadline:
            self.model.stop_training = True


def write_sample(config: dict, encoding, weights: dict, path: Path, bars: int = 4, seed: int = 0) -> Path:
    """A sample MIDI from the current weights, played by the same NumPy stepper the live path uses."""
    stepper = Stepper(weights, config["model"], encoding.vocab_size)
    sampler = Sampler(config["sampling"]["temperature"], config["sampling"]["top_p"], seed)
    steps = bars * 4 * encoding.steps_per_quarter
    tokens = sample_steps(stepper, encoding, sampler, steps, prime(stepper, encoding))
    sequence = encoding.decode(tokens, name=path.stem, tempo_bpm=config["live"]["bpm"])
    return write_midi(sequence, path)


class TrainingRun:
    def __init__(self, preset, run_dir: Path, console, epochs: int | None = None, resume: bool = False,
                 progress: bool = True, output_stem: Path | None = None):
        self.preset, self.config, self.console = preset, preset.config, console
        self.output_stem = Path(output_stem or preset.output_stem)
        self.run_dir, self.progress = Path(run_dir), progress
        self.epochs = epochs or self.config["training"]["epochs"]
        self.checkpoint, self.state_file = self.run_dir / "checkpoint.keras", self.run_dir / "state.json"
        self.best_file = self.run_dir / "best.npz"
        if self.state_file.exists() and not resume:
            done = json.loads(self.state_file.read_text())["epoch"]
            raise RunError(f"{self.run_dir} already holds a run of {preset.name} at epoch {done}: pass --resume "
                           "to continue it, or --out DIR to start a new one")
        if resume and not self.state_file.exists():
            raise RunError(f"{self.run_dir}: nothing to resume (no state.json); start without --resume")
        self.resume = resume
        self.state = {"epoch": 0, "best_valid": None, "bad_epochs": 0, "history": [], "seconds": 0.0}

    def prepare(self):
        data = self.config["data"]
        self.encoding = self.preset.encoding()
        corpus = load_corpus(self.preset.source(), steps_per_quarter=data["steps_per_quarter"], progress=self.progress)
        if corpus.skipped:
            self.console.print(f"{len(corpus.skipped)} unreadable file(s) skipped (see `musigan data {corpus.source}`)")
        self.splits = prepare_splits(corpus.resplit(data["split"]), self.encoding, data["transpose"], data["max_pieces"])
        dropped = sum(s.dropped for s in self.splits.values())
        if dropped:
            self.console.print(f"{dropped} piece(s) left out: pitches outside the encoding's range")
        if not self.splits["train"].pieces:
            raise RunError(f"{self.preset.name}: the corpus has no usable train pieces (every piece is out of the "
                           "encoding's range or in valid/test)")
        self.fill_empty_splits()

    def fill_empty_splits(self) -> None:
        """A tiny corpus still trains: an empty valid split is a slice of train, an empty test split is valid."""
        train = self.splits["train"]
        if not self.splits["valid"].pieces:
            tail = train.pieces[-max(1, len(train.pieces) // 10):]
            self.splits["valid"] = EncodedSplit(tail, self.encoding)
            self.console.print(f"no valid pieces: validating on the last {len(tail)} train piece(s), so valid "
                               "figures are optimistic (set data.split in the preset to choose)")
        if not self.splits["test"].pieces:
            self.splits["test"] = self.splits["valid"]
            self.console.print("no test pieces: the card's test figures are measured on the valid pieces")

    def run(self) -> dict:
        keras.utils.set_random_seed(SEED)
        self.prepare()
        (self.run_dir / "samples").mkdir(parents=True, exist_ok=True)
        if self.resume:
            model = keras.saving.load_model(self.checkpoint, safe_mode=True)
            self.load_state()
        else:
            model = recurrent.build_language_model(self.config["model"], self.encoding.vocab_size)
            compile_model(model, self.config)
        self.fit(model)
        return self.export(model)

    @property
    def loss_unit(self) -> str:
        """What the training loss is an average of: a token's NLL, or a key's Bernoulli NLL in a row."""
        return "nats/key" if self.config["model"]["head"] == "sigmoid" else "nats/token"

    def load_state(self) -> None:
        self.state = json.loads(self.state_file.read_text())
        self.console.print(f"resuming {self.preset.name} after epoch {self.state['epoch']}")

    def epoch_loop(self):
        """Yield (progress bar, epoch) for each epoch still to run; stop early once validation has not
        improved for `patience` epochs or the time budget is spent."""
        from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

        training = self.config["training"]
        budget = training["max_minutes"] * 60 or float("inf")
        columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with progress_display(self.progress, self.console, columns) as bar:
            for epoch in range(self.state["epoch"], self.epochs):
                if self.state["bad_epochs"] >= training["patience"] or self.state["seconds"] >= budget:
                    break
                yield bar, epoch, time.perf_counter() + budget - self.state["seconds"]

    def record_epoch(self, weights: dict, score: float, higher_is_better: bool, entry: dict, seconds: float,
                     checkpoints: dict) -> bool:
        """Keep the best weights, advance the state and write every checkpoint atomically, the state
        file last. Returns whether this epoch is the best so far."""
        best = self.state["best_valid"]
        improved = best is None or (score > best if higher_is_better else score < best)
        if improved:
            save_npz(self.best_file, weights)
        epoch = self.state["epoch"] + 1
        self.state = {**self.state, "epoch": epoch, "seconds": self.state["seconds"] + seconds,
                      "best_valid": score if improved else best,
                      "bad_epochs": 0 if improved else self.state["bad_epochs"] + 1,
                      "history": self.state["history"] + [{"epoch": epoch, "seconds": seconds, **entry}]}
        for path, model in checkpoints.items():
            atomic_write_bytes(path, model.save)
        save_json(self.state_file, self.state)
        return improved

    def fit(self, model) -> None:
        training = self.config["training"]
        callbacks = tensorboard(self.run_dir / "logs")
        for bar, epoch, deadline in self.epoch_loop():
            started = time.perf_counter()
            data = self.splits["train"].windows(training["sequence_length"], np.random.default_rng(SEED + epoch))
            batches = -(-len(data.inputs) // training["batch_size"])
            label = f"epoch {epoch + 1}/{self.epochs}"
            task = bar.add_task(label, total=batches)
            progress = BatchProgress(bar, task, label, self.loss_unit, deadline)
            history = model.fit(data.inputs, data.targets, sample_weight=data.weights,
                                batch_size=training["batch_size"], initial_epoch=epoch, epochs=epoch + 1,
                                verbose=0, callbacks=[progress, *callbacks])
            bar.remove_task(task)
            self.end_epoch(model, epoch, history.history["loss"][-1], split_nll(model, self.splits["valid"]),
                           time.perf_counter() - started)

    def end_epoch(self, model, epoch, loss, valid, seconds) -> None:
        weights = recurrent.export_weights(model)
        entry = {"loss": loss, "valid_nll_per_step": valid["nll_per_step"], "valid_nll_per_token": valid["nll_per_token"]}
        improved = self.record_epoch(weights, valid["nll_per_step"], False, entry, seconds, {self.checkpoint: model})
        log_scalars(self.run_dir / "logs" / "validation", epoch + 1,
                    {k: valid[k] for k in ("nll_per_step", "nll_per_token", "bits_per_token")})
        sample_every = self.config["training"]["sample_every"]
        if sample_every and (epoch + 1) % sample_every == 0:
            write_sample(self.config, self.encoding, weights, self.run_dir / "samples" / f"epoch-{epoch + 1:03d}.mid",
                         seed=epoch)
        self.console.print(f"epoch {epoch + 1}: loss {loss:.4f} {self.loss_unit}  valid {valid['nll_per_step']:.4f} nats/step "
                           f"{valid['nll_per_token']:.4f} nats/token{'  (best)' if improved else ''}  {seconds:.0f}s",
                           highlight=False)

    def best_weights(self) -> dict[str, np.ndarray]:
        with np.load(self.best_file, allow_pickle=False) as best:
            return {k: best[k] for k in best.files}

    def export(self, model) -> dict:
        weights = self.best_weights()
        recurrent.import_weights(model, weights, str(self.best_file))
        results = {split: split_nll(model, self.splits[split]) for split in ("valid", "test")}
        return self.publish(weights, "language-model", results, int(model.count_params()))

    def publish(self, weights: dict, kind: str, metrics: dict, parameters: int, **data) -> dict:
        """Write the preset's weights and model card to `output_stem` (never the shipped folder unless
        asked with --weights-dir), and a copy of the card into the run folder."""
        card = {
            "preset": self.preset.name, "description": self.config["description"], "kind": kind,
            "config": self.config, "encoding": self.encoding.config(), "vocab_size": self.encoding.vocab_size,
            "metrics": metrics, "parameters": parameters, "epochs": self.state["epoch"],
            "training_seconds": round(self.state["seconds"], 1), "history": self.state["history"],
            "hardware": hardware(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "data": {"source": self.config["data"]["source"], **data,
                     **{f"{k}_pieces": len(v.pieces) for k, v in self.splits.items()}},
        }
        self.output_stem.parent.mkdir(parents=True, exist_ok=True)
        save_npz(self.output_stem.with_suffix(".npz"), weights)
        save_json(self.output_stem.with_suffix(".json"), card)
        save_json(self.run_dir / "card.json", card)
        return card


def tensorboard(log_dir: Path) -> list:
    """Keras's TensorBoard callback where TensorFlow is installed (it writes through tf.summary)."""
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        return []
    return [keras.callbacks.TensorBoard(log_dir=str(log_dir), write_graph=False)]


def log_scalars(log_dir: Path, step: int, values: dict) -> None:
    try:
        import tensorflow as tf
    except ImportError:
        return
    with tf.summary.create_file_writer(str(log_dir)).as_default():
        for name, value in values.items():
            tf.summary.scalar(f"valid_{name}", value, step=step)
