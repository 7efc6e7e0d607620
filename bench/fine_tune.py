"""A preset of your own in minutes: a shipped preset fine-tuned on music of a style no shipped preset
plays, against the same keys trained from scratch on it, on the same held-out test split.

    python bench/fine_tune.py [--source corpus:essenFolksong] [--base folk-lstm] [--minutes 5]

The folder is ingested (and cached) first, so every run's budget is spent training, not reading.
Then, each as a user would run it, in a private MUSIGAN_HOME:
  `musigan train fine --from BASE SOURCE --minutes M`      (the fine-tune, calibration included)
  `musigan train scratch-M` and `scratch-2M` from a YAML: BASE's keys, SOURCE's data, M and 2M minutes.
Prints each test figure (nats per step on SOURCE's test split) beside BASE's own on that split. Goal:
the fine-tune beats both from-scratch runs, and BASE by at least 20%.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

from musigan.models.presets import get_preset
from musigan.train.corpus import load_corpus


def train(home: Path, *args: str) -> dict:
    env = {**os.environ, "MUSIGAN_HOME": str(home)}
    name = args[0]
    done = subprocess.run([sys.executable, "-m", "musigan.cli", "train", *args, "--out", str(home / "runs" / name)],
                          env=env, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"musigan train {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    print(done.stdout.strip().splitlines()[-2], flush=True)
    return json.loads((home / "runs" / name / "card.json").read_text())  # every run keeps a copy of its card


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default="corpus:essenFolksong")
    parser.add_argument("--base", default="folk-lstm")
    parser.add_argument("--minutes", type=float, default=5.0)
    args = parser.parse_args()
    base = get_preset(args.base)
    corpus = load_corpus(args.source, steps_per_quarter=base.config.data.steps_per_quarter)
    print(f"{args.source}: {len(corpus.pieces)} pieces", flush=True)
    home = Path(tempfile.mkdtemp(prefix="musigan-fine-tune-"))
    config = base.config.as_dict()
    config.pop("weights")
    config["data"] = {**config["data"], "source": args.source}
    presets = {}
    for label, minutes in (("scratch-short", args.minutes), ("scratch-long", 2 * args.minutes)):
        presets[label] = {**config, "training": {**config["training"], "max_minutes": minutes, "epochs": 1000}}
    (home / "scratch.yaml").write_text(yaml.safe_dump(presets))
    fine = train(home, "fine", "--from", args.base, args.source, "--minutes", f"{args.minutes:g}")
    rows = {f"{args.base} as shipped (no training on it)": fine["metrics"]["base_test"]["nll_per_step"],
            f"fine-tuned from {args.base}, {args.minutes:g} min": fine["metrics"]["test"]["nll_per_step"]}
    for label, minutes in (("scratch-short", args.minutes), ("scratch-long", 2 * args.minutes)):
        card = train(home, label, "--config", str(home / "scratch.yaml"))
        rows[f"its keys from scratch, {minutes:g} min"] = card["metrics"]["test"]["nll_per_step"]
    print(f"\n{args.source}, test split ({fine['data']['test_pieces']} pieces), nats per step (lower is better)")
    base_figure = rows[f"{args.base} as shipped (no training on it)"]
    for label, figure in rows.items():
        print(f"{label:44} {figure:.4f}  ({(1 - figure / base_figure) * 100:+.1f}% against {args.base})")
    print(f"\npresets in {home / 'presets'} (MUSIGAN_HOME={home} musigan evaluate fine --music)")


if __name__ == "__main__":
    main()
