"""`musigan train PRESET`: train, checkpoint, resume, export the preset's weights and card."""
from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console

from ..models.presets import PresetError, get_preset


def run(args) -> int:
    console = Console()
    try:
        preset = get_preset(args.preset, args.config)
    except PresetError as exc:
        print(f"musigan train: {exc}", file=sys.stderr)
        return 2
    from .corpus import SourceError
    from .fit import RunError, TrainingRun

    gan = preset.config["model"]["kind"] == "gan"
    if gan:
        from .gan_fit import GanRun as Run
    else:
        Run = TrainingRun
    run_dir = Path(args.out or Path("runs") / preset.name)
    try:
        card = Run(preset, run_dir, console, epochs=args.epochs, resume=args.resume,
                   progress=sys.stderr.isatty()).run()
    except (RunError, SourceError) as exc:
        print(f"musigan train: {exc}", file=sys.stderr)
        return 2
    if gan:
        quality = f"test music overlap {card['metrics']['test_music']['mean_overlap']:.3f}"
    else:
        test = card["metrics"]["test"]
        quality = (f"test {test['nll_per_step']:.4f} nats/step, {test['nll_per_token']:.4f} nats/token "
                   f"({test['bits_per_token']:.3f} bits)")
    console.print(f"{preset.name}: {quality} after {card['epochs']} epochs, "
                  f"{card['training_seconds']:.0f}s on {card['hardware']['backend']}", highlight=False)
    console.print(f"wrote {preset.weights_file} and {preset.card_file}; run folder {run_dir}", highlight=False)
    return 0
