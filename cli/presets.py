"""`musigan presets`: the presets a player can pick, with their model, data and measured quality."""
from __future__ import annotations

from .args import add_preset_options, fail


def register(commands):
    presets = commands.add_parser(
        "presets", help="list presets with model, data and measured quality",
        description="The shipped presets and those of your YAML files, with their model, data and the "
                    "quality their model card measured on held-out music. Likelihoods are nats per grid "
                    "step, so a quarter-note figure (q) and a 16th-note figure (16th) are not comparable.")
    add_preset_options(presets, positional=False)
    return presets


def grid(steps_per_quarter: int) -> str:
    return "q" if steps_per_quarter == 1 else f"{4 * steps_per_quarter}th"


def quality(preset) -> str:
    if not preset.trained:
        return "untrained"
    metrics = preset.card().get("metrics", {})
    if "test_music" in metrics:
        return f"{metrics['test_music']['mean_overlap']:.3f} ovl"
    if "test" not in metrics:
        return "trained"
    return f"{metrics['test']['nll_per_step']:.3f} {grid(preset.config.data.steps_per_quarter)}"


def music(preset) -> str:
    """The card's music-statistics overlap (`musigan evaluate NAME --music --save-card`)."""
    report = preset.card().get("music") if preset.trained else None
    return f"{report['generated']['mean_overlap']:.3f}" if report else "-"


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..models.presets import PresetError, load_presets

    try:
        presets = load_presets(args.config)
    except PresetError as exc:
        return fail("presets", exc)
    table = Table(title="quality: test NLL, nats per quarter (q) or 16th step (GAN: music overlap)\n"
                        "music: its phrases' statistics' overlap with held-out ones (evaluate --music)",
                  title_justify="left", box=None, padding=(0, 1, 0, 0), pad_edge=False)
    for column in ("name", "model", "data", "encoding", "quality", "music", "mode"):
        table.add_column(column, no_wrap=True)
    for name, preset in sorted(presets.items()):
        model, data, live = preset.config.model, preset.config.data, preset.config.live
        cell = "gan" if model.kind == "gan" else model.cell
        source = data.source.rsplit("/", 1)[-1].replace("jsb:jsb-chorales-", "jsb ").replace("jsb:jsb-", "jsb ")
        source = source.removeprefix("corpus:")
        table.add_row(name, f"{cell} {model.layers}x{model.units}", source, data.encoding["name"],
                      quality(preset), music(preset), live.mode)
    Console().print(table)
    return 0
