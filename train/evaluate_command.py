"""`musigan evaluate PRESET --data SOURCE --split test`: held-out likelihood of a trained preset."""
from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from ..models.presets import PresetError, get_preset


def run(args) -> int:
    console = Console()
    try:
        preset = get_preset(args.preset, args.config)
        weights = preset.load_weights()
    except PresetError as exc:
        print(f"musigan evaluate: {exc}", file=sys.stderr)
        return 2
    from ..models import recurrent
    from .corpus import SourceError, load_corpus
    from .dataset import prepare_splits
    from .evaluate import split_nll

    data = preset.config["data"]
    encoding = preset.encoding()
    try:
        corpus = load_corpus(args.data or preset.source(), steps_per_quarter=data["steps_per_quarter"],
                             progress=sys.stderr.isatty())
    except SourceError as exc:
        print(f"musigan evaluate: {exc}", file=sys.stderr)
        return 2
    # On its own data a preset is measured on exactly the pieces it was trained and carded with.
    max_pieces = data["max_pieces"] if not args.data else 0
    transpose = "normalize" if data["transpose"] == "normalize" else "none"
    split = prepare_splits(corpus, encoding, transpose, max_pieces)[args.split]
    if not split.pieces:
        print(f"musigan evaluate: {corpus.source} has no {args.split} pieces in the encoding's range", file=sys.stderr)
        return 2
    model = recurrent.build_language_model(preset.config["model"], encoding.vocab_size)
    try:
        recurrent.import_weights(model, weights, str(preset.weights_file))
    except ValueError as exc:
        print(f"musigan evaluate: {exc}", file=sys.stderr)
        return 2
    result = split_nll(model, split)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    table = Table(title=f"{preset.name} on {corpus.source} [{args.split}]", title_justify="left")
    for column in ("pieces", "steps", "tokens", "nats/step", "nats/token", "bits/token"):
        table.add_column(column, justify="right")
    table.add_row(str(result["pieces"]), str(result["steps"]), str(result["tokens"]), f"{result['nll_per_step']:.4f}",
                  f"{result['nll_per_token']:.4f}", f"{result['bits_per_token']:.4f}")
    console.print(table)
    if preset.config["model"]["head"] == "sigmoid":
        console.print("nats/step is the frame-level NLL of the published JSB results (88-key Bernoulli sum).")
    return 0
