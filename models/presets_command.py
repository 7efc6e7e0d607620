"""`musigan presets`: the presets a player can pick, with their model, data and measured quality."""
from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from .presets import PresetError, load_presets


def quality(preset) -> str:
    if not preset.trained:
        return "not trained"
    metrics = json.loads(preset.card_file.read_text()).get("metrics", {})
    if "test_music" in metrics:
        return f"{metrics['test_music']['mean_overlap']:.3f} music overlap (test)"
    return f"{metrics['test']['nll_per_step']:.3f} nats/step (test)" if "test" in metrics else "trained"


def run(args) -> int:
    try:
        presets = load_presets(args.config)
    except PresetError as exc:
        print(f"musigan presets: {exc}", file=sys.stderr)
        return 2
    table = Table(title="presets", title_justify="left")
    for column in ("name", "model", "data", "size", "quality", "live"):
        table.add_column(column, no_wrap=column in ("name", "size"))
    for name, preset in sorted(presets.items()):
        model, data, live = preset.config["model"], preset.config["data"], preset.config["live"]
        size = f"{preset.weights_file.stat().st_size / 1e6:.1f} MB" if preset.trained else "-"
        source = data["source"].rsplit("/", 1)[-1]
        table.add_row(name, f"{model['cell']} {model['layers']}x{model['units']} {model['head']}",
                      f"{source} ({data['encoding']['name']})", size, quality(preset), live["mode"])
    Console().print(table)
    return 0
