"""`musigan train`: the one training loop, for language models and GANs alike.

A run folder holds the trainer's checkpoints (`*.keras`: models and optimisers, written atomically),
`state.json` (epoch, best validation score, history), `best.npz` (the best weights so far),
TensorBoard logs under `logs/` and sample MIDI files under `samples/`. A killed run resumed with
`--resume` loses at most the epoch it was in: each epoch's data comes from a generator seeded by the
epoch number. Early stopping (`patience`) and the time budget (`max_minutes`, kept inside an epoch
too) end the loop; the best epoch's weights are then published as the preset.

What differs between a language model and a GAN is the trainer's (`lm_trainer.py`, `gan_trainer.py`):
build or load its models, run one epoch and score it on `valid`, write a sample, measure the export.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..models import recurrent
from ..models.files import atomic_write, load_npz, save_json, save_npz, save_or_fallback
from ..models.notes import END, START
from .backend import distribute, hardware, log_scalars
from .corpus_filters import preset_corpus, removed_line
from .corpus_stats import notes_per_bar, polyphony_percentiles
from .dataset import fill_empty_splits, prepare_splits
from .epoch_result import EpochResult
from .gan_trainer import GanTrainer
from .lm_trainer import LanguageModelTrainer
from .multihost import from_process_zero, process_index, undistributed
from .progress import phase, progress_display

keras = recurrent.keras

# Of `training.max_minutes`, the share the epochs may take; ingest, the test figures and the density
# calibration after them fit in the rest, so the budget bounds the whole `musigan train` command.
TRAINING_SHARE = 0.8


class RunError(RuntimeError):
    """A run folder in a state that training must not overwrite; the message says what to do."""


class Run:
    def __init__(self, preset, run_dir: Path, console, epochs: int | None = None, resume: bool = False,
                 progress: bool = True, output_stem: Path | None = None, started: float | None = None,
                 base=None):
        self.preset, self.config, self.console = preset, preset.config, console
        self.started = time.perf_counter() if started is None else started  # when the command began
        self.output_stem = Path(output_stem or preset.output_stem)
        self.run_dir, self.progress = Path(run_dir), progress
        self.epochs = epochs or self.config.training.epochs
        self.state_file, self.best_file = self.run_dir / "state.json", self.run_dir / "best.npz"
        if self.state_file.exists() and not resume:
            done = json.loads(self.state_file.read_text())["epoch"]
            raise RunError(f"{self.run_dir} already holds a run of {preset.name} at epoch {done}: pass --resume "
                           "to continue it, or --out DIR to start a new one")
        if resume and not self.state_file.exists():
            raise RunError(f"{self.run_dir}: nothing to resume (no state.json); start without --resume")
        self.resume = resume
        self.base = base  # a trained preset whose weights it starts from (a fine-tune), or None
        self.writes = process_index() == 0  # of several processes, only the first writes anything
        self.state = {"epoch": 0, "best_valid": None, "bad_epochs": 0, "history": [], "seconds": 0.0}

    def run(self) -> dict | None:
        """Train and publish; returns the card (None in a process other than 0, which writes nothing)."""
        keras.utils.set_random_seed(self.config.training.seed)
        self.prepare()
        if self.writes:
            (self.run_dir / "samples").mkdir(parents=True, exist_ok=True)
        replicas = distribute()
        batch = self.config.training.batch_size
        if batch % replicas:
            raise RunError(f"{self.preset.name}.training.batch_size: {batch} does not split over {replicas} devices; "
                           f"use a multiple of {replicas}")
        if replicas > 1:
            self.console.print(f"data-parallel over {replicas} devices (batch {batch // replicas} on each)")
        trainer = self.make_trainer()
        trainer.replicas = replicas
        if self.resume:
            trainer.load()
            self.state = json.loads(self.state_file.read_text())
            self.console.print(f"resuming {self.preset.name} after epoch {self.state['epoch']}")
        else:
            trainer.build()
            if self.base is not None:
                trainer.start_from(self.base.load_weights())
        before = self.base_figures(trainer)
        for bar, epoch, deadline in self.epoch_loop():
            started = time.perf_counter()
            result = trainer.epoch(epoch, bar, deadline, f"epoch {epoch + 1}/{self.epochs}")
            seconds = time.perf_counter() - started
            improved = self.record_epoch(result, seconds, trainer.higher_is_better, trainer.checkpoints())
            self.decay_on_plateau(trainer, improved)
            if self.writes:
                log_scalars(self.run_dir / "logs" / "validation", epoch + 1, result.scalars)
            every = self.config.training.sample_every
            if every and (epoch + 1) % every == 0 and self.writes:
                trainer.write_sample(result.weights, self.run_dir / "samples" / f"epoch-{epoch + 1:03d}.mid", epoch)
            self.console.print(f"epoch {epoch + 1}: {result.summary}{'  (best)' if improved else ''}  {seconds:.0f}s",
                               highlight=False)
        if not self.writes:
            return None
        weights = load_npz(self.best_file)
        with phase("measuring the test split", self.progress, self.console):
            metrics, parameters, data = trainer.export(weights)
        if before is not None:
            metrics["base_test"] = before
        return self.publish(weights, trainer.kind, metrics, parameters, **data)

    def base_figures(self, trainer) -> dict | None:
        """A fine-tune's starting point: the base preset's own figures on this run's test split."""
        if self.base is None or not self.writes:
            return None
        with phase(f"measuring {self.base.name} on the test split", self.progress, self.console):
            return trainer.held_out_nll("test", self.base.load_weights())

    def make_trainer(self):
        trainer = GanTrainer if self.config.model.kind == "gan" else LanguageModelTrainer
        return trainer(self.config, self.encoding, self.splits, self.run_dir)

    # --- data ------------------------------------------------------------------------------------
    def prepare(self) -> None:
        data = self.config.data
        self.encoding = self.preset.encoding()
        corpus, removed = preset_corpus(self.preset, self.progress)
        if line := removed_line(removed):
            self.console.print(line, highlight=False)
        if corpus.skipped:
            self.console.print(f"{len(corpus.skipped)} unreadable file(s) skipped (see `musigan data {corpus.source}`)")
        self.splits = prepare_splits(corpus.resplit(data.split), self.encoding, data.transpose, data.max_pieces,
                                     data.max_shift)
        dropped = sum(s.dropped for s in self.splits.values())
        if dropped:
            self.console.print(f"{dropped} piece(s) left out: pitches outside the encoding's range")
        if not self.splits["train"].pieces:
            raise RunError(f"{self.preset.name}: the corpus has no usable train pieces (every piece is out of the "
                           "encoding's range or in valid/test)")
        fill_empty_splits(self.splits, self.encoding, lambda line: self.console.print(line, highlight=False))

    # --- the loop's bookkeeping ------------------------------------------------------------------
    def epoch_loop(self):
        """Yield (progress bar, epoch, deadline) for each epoch still to run; stop early once validation
        has not improved for `patience` epochs or the time budget is spent. `deadline` is the
        perf_counter time at which the budget runs out, for the trainer to keep inside an epoch."""
        from rich.progress import BarColumn, MofNCompleteColumn, TimeRemainingColumn

        training = self.config.training
        budget = training.max_minutes * 60 * TRAINING_SHARE or float("inf")
        columns = ("[progress.description]{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with progress_display(self.progress, self.console, columns) as bar:
            for epoch in range(self.state["epoch"], self.epochs):
                now = time.perf_counter()
                spent = self.state["seconds"] >= budget or now >= self.started + budget
                if from_process_zero(self.state["bad_epochs"] >= training.patience or
                                     (spent and self.state["epoch"] > 0)):
                    break
                yield bar, epoch, min(now + budget - self.state["seconds"], self.started + budget)

    @property
    def deadline(self) -> float | None:
        """When the whole command must be done (perf_counter), or None without a budget."""
        minutes = self.config.training.max_minutes
        return self.started + minutes * 60 if minutes else None

    def decay_on_plateau(self, trainer, improved: bool) -> None:
        """Every `lr_patience` epochs without a better valid score, multiply the learning rate by
        `lr_decay` (it is saved with the optimiser, so a resumed run keeps it)."""
        training = self.config.training
        bad = self.state["bad_epochs"]
        if training.lr_patience and not improved and bad % training.lr_patience == 0:
            rate = trainer.scale_learning_rate(training.lr_decay)
            self.console.print(f"no better valid score for {bad} epochs: learning rate now {rate:.3g}", highlight=False)

    def record_epoch(self, result: EpochResult, seconds: float, higher_is_better: bool, checkpoints: dict) -> bool:
        """Keep the best weights, advance the state and write every checkpoint atomically, the state
        file last. Returns whether this epoch is the best so far."""
        best, score = self.state["best_valid"], from_process_zero(result.score)
        improved = best is None or (score > best if higher_is_better else score < best)
        if improved and self.writes:
            save_npz(self.best_file, result.weights)
        epoch = self.state["epoch"] + 1
        self.state = {**self.state, "epoch": epoch, "seconds": self.state["seconds"] + seconds,
                      "best_valid": score if improved else best,
                      "bad_epochs": 0 if improved else self.state["bad_epochs"] + 1,
                      "history": self.state["history"] + [{"epoch": epoch, "seconds": seconds, **result.entry}]}
        if self.writes:
            with undistributed():  # saving makes variables: shared ones would wait for the other processes
                for path, model in checkpoints.items():
                    atomic_write(path, model.save)
            save_json(self.state_file, self.state)
        return improved

    def note_length_p99(self) -> int:
        """The 99th percentile of the training pieces' note lengths, in steps: no generated note lasts longer."""
        lengths = [p.notes[:, END] - p.notes[:, START] for p in self.splits["train"].pieces]
        return int(np.percentile(np.concatenate(lengths), 99)) if lengths else 0

    def publish(self, weights: dict, kind: str, metrics: dict, parameters: int, **data) -> dict:
        """Write the preset's weights and model card to `output_stem` (never the shipped folder unless
        asked with --weights-dir), and a copy of the card into the run folder."""
        card = {
            "preset": self.preset.name, "description": self.config.description, "kind": kind,
            "config": self.config.as_dict(), "encoding": self.encoding.config(), "vocab_size": self.encoding.vocab_size,
            "metrics": metrics, "parameters": parameters, "epochs": self.state["epoch"],
            "training_seconds": round(self.state["seconds"], 1), "history": self.state["history"],
            "hardware": hardware(), "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            **({"made_from": {"preset": self.base.name,
                              "source": " + ".join([self.config.data.source, *self.config.data.more_sources]),
                              "pieces": {k: len(v.pieces) for k, v in self.splits.items()},
                              "minutes": self.config.training.max_minutes}} if self.base is not None else {}),
            "data": {"source": self.config.data.source, "note_length_p99": self.note_length_p99(),
                     **polyphony_percentiles(self.splits["train"].pieces),
                     "notes_per_bar": notes_per_bar(self.splits["train"].pieces), **data,
                     **{f"{k}_pieces": len(v.pieces) for k, v in self.splits.items()}},
        }
        try:
            self.output_stem.parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass  # save_or_fallback says where they went instead
        save_or_fallback(lambda path: save_npz(path, weights), self.output_stem.with_suffix(".npz"), "the weights")
        save_or_fallback(lambda path: save_json(path, card), self.output_stem.with_suffix(".json"), "the card")
        save_json(self.run_dir / "card.json", card)
        return card
