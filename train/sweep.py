"""`musigan sweep`: train several variants of a preset and rank them on the validation split.

A sweep file names a base preset and the variants: a `grid` (every combination of the listed values)
or `random` draws from lists. Keys are dotted preset keys (`model.units`, `training.learning_rate`).
Each trial is a full training run (`train/run.py`) with the same time budget, in its own folder; the
sweep folder keeps `sweep.json` (what is done), `results.md` (the ranked table), `valid.png` (valid
NLL per epoch of every trial) and `winner.yaml` with the winner's weights beside it, a preset ready
for `--config`. A killed sweep resumes where it stopped (a half-trained trial resumes its run).

    base: jsb-gru-sigmoid
    budget_minutes: 10          # per trial
    grid:
      model.units: [128, 256]
      model.dropout: [0.3, 0.5]
    # or
    random: {trials: 6, seed: 0, space: {training.learning_rate: [0.001, 0.002, 0.004]}}
"""
from __future__ import annotations

import copy
import itertools
import json
import random
import shutil
from pathlib import Path

import yaml

from ..models.files import save_json
from ..models.presets import PresetError, get_preset, validate

SWEEP_KEYS = {"base", "config", "budget_minutes", "epochs", "grid", "random"}


class SweepError(ValueError):
    """A sweep file that cannot run; the message names the file and the key."""


def read_sweep(path: Path) -> dict:
    try:
        spec = yaml.safe_load(Path(path).read_text())
    except OSError as exc:
        raise SweepError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        raise SweepError(f"{path}: not valid YAML ({str(exc).splitlines()[0]})") from None
    if not isinstance(spec, dict) or "base" not in spec:
        raise SweepError(f"{path}: a sweep is a mapping with at least `base: PRESET`")
    unknown = sorted(set(spec) - SWEEP_KEYS)
    if unknown:
        raise SweepError(f"{path}: {unknown[0]}: unknown key (known: {', '.join(sorted(SWEEP_KEYS))})")
    if ("grid" in spec) == ("random" in spec):
        raise SweepError(f"{path}: give exactly one of `grid` and `random`")
    return spec


def variants(spec: dict, where: str) -> list[dict]:
    """The trials' overrides, as {dotted key: value}."""
    if "grid" in spec:
        grid = spec["grid"]
        if not isinstance(grid, dict) or not all(isinstance(v, list) and v for v in grid.values()):
            raise SweepError(f"{where}: grid: every key needs a non-empty list of values")
        keys = list(grid)
        return [dict(zip(keys, values)) for values in itertools.product(*(grid[k] for k in keys))]
    draw = spec["random"]
    space = draw.get("space") if isinstance(draw, dict) else None
    if not isinstance(space, dict) or not all(isinstance(v, list) and v for v in space.values()):
        raise SweepError(f"{where}: random.space: every key needs a non-empty list of values")
    rng = random.Random(draw.get("seed", 0))
    return [{key: rng.choice(values) for key, values in space.items()} for _ in range(int(draw.get("trials", 4)))]


def nested(overrides: dict) -> dict:
    """{"model.units": 128} -> {"model": {"units": 128}}."""
    out: dict = {}
    for dotted, value in overrides.items():
        section, _, key = dotted.partition(".")
        out.setdefault(section, {})[key] = value
    return out


class Sweep:
    def __init__(self, path: Path, out: Path, console, resume: bool = False, progress: bool = True):
        self.spec, self.out, self.console, self.progress = read_sweep(path), Path(out), console, progress
        self.base = get_preset(self.spec["base"], self.spec.get("config", []))
        self.trials = variants(self.spec, str(path))
        self.state_file = self.out / "sweep.json"
        if self.state_file.exists() and not resume:
            raise SweepError(f"{self.out} already holds a sweep: pass --resume to go on with it, or --out DIR")
        self.state = json.loads(self.state_file.read_text()) if resume and self.state_file.exists() else {"trials": {}}

    def trial_preset(self, index: int):
        name = f"{self.base.name}-trial-{index:03d}"
        override = nested(self.trials[index])
        training = override.setdefault("training", {})
        if "budget_minutes" in self.spec:
            training["max_minutes"] = float(self.spec["budget_minutes"])
        if "epochs" in self.spec:
            training["epochs"] = int(self.spec["epochs"])
        folder = self.out / f"trial-{index:03d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "preset.yaml").write_text(yaml.safe_dump({name: override}, sort_keys=False))
        try:
            return validate(name, override, folder / "preset.yaml", self.base), folder
        except PresetError as exc:
            raise SweepError(str(exc)) from None

    def run(self) -> list[dict]:
        from .run import Run

        for index in range(len(self.trials)):
            key = str(index)
            if self.state["trials"].get(key, {}).get("done"):
                continue
            preset, folder = self.trial_preset(index)
            self.console.print(f"trial {index + 1}/{len(self.trials)}: {self.trials[index]}", highlight=False)
            resume = (folder / "run" / "state.json").exists()
            card = Run(preset, folder / "run", self.console, resume=resume, progress=self.progress).run()
            self.state["trials"][key] = {"done": True, "overrides": self.trials[index], "name": preset.name,
                                         "folder": folder.name, **summary(card)}
            save_json(self.state_file, self.state)
        ranked = sorted(self.state["trials"].values(), key=lambda t: t["valid"])
        self.write_results(ranked)
        return ranked

    def write_results(self, ranked: list[dict]) -> None:
        """results.md, valid.png, and the winner as a preset (`winner.yaml` + its weights beside it)."""
        (self.out / "results.md").write_text(markdown_table(ranked, self.base.name))
        plot_curves(ranked, self.out / "valid.png")
        winner, name = ranked[0], f"{self.base.name}-sweep"
        folder = self.out / winner["folder"]
        config = copy.deepcopy(json.loads((folder / f"{winner['name']}.json").read_text())["config"])
        config["data"]["source"], *config["data"]["more_sources"] = self.base.sources()  # readable from the sweep folder
        config.pop("weights", None)
        (self.out / "winner.yaml").write_text(yaml.safe_dump({name: config}, sort_keys=False))
        for suffix in (".npz", ".json"):
            shutil.copyfile(folder / f"{winner['name']}{suffix}", self.out / f"{name}{suffix}")


def summary(card: dict) -> dict:
    history = card["history"]
    valid = card["metrics"].get("valid", {}).get("nll_per_step")
    if valid is None:  # a GAN: its score is the music overlap, higher is better; rank by its negative
        valid = -max(h["valid_overlap"] for h in history)
    curve = [h.get("valid_nll_per_step", -h.get("valid_overlap", 0.0)) for h in history]
    return {"valid": valid, "epochs": card["epochs"], "seconds": card["training_seconds"],
            "parameters": card["parameters"], "curve": curve}


def markdown_table(ranked: list[dict], base: str) -> str:
    keys = sorted({k for trial in ranked for k in trial["overrides"]})
    lines = [f"# Sweep of {base}, ranked by validation NLL (nats per step; lower is better)", "",
             "| rank | trial | " + " | ".join(keys) + " | valid | epochs | seconds | params |",
             "| --- | --- | " + " | ".join("---" for _ in keys) + " | --- | --- | --- | --- |"]
    for rank, trial in enumerate(ranked, 1):
        values = " | ".join(str(trial["overrides"].get(k, "")) for k in keys)
        lines.append(f"| {rank} | {trial['name']} | {values} | {trial['valid']:.4f} | {trial['epochs']} | "
                     f"{trial['seconds']:.0f} | {trial['parameters']:,} |")
    return "\n".join(lines) + "\n"


def plot_curves(ranked: list[dict], path: Path) -> None:
    """Valid NLL per epoch, one line per trial (matplotlib comes with music21)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 4))
    for trial in ranked:
        axes.plot(range(1, len(trial["curve"]) + 1), trial["curve"], label=f"{trial['name']} {trial['overrides']}")
    axes.set_xlabel("epoch")
    axes.set_ylabel("valid NLL (nats/step)")
    axes.legend(fontsize=6)
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
