"""`musigan evaluate PRESET --data SOURCE --split test`: held-out likelihood of a trained preset;
`--music`: how its phrases' statistics compare with held-out phrases of its corpus."""
from __future__ import annotations

import json
import sys

from ..models.preset_schema import SPLITS
from .args import add_preset_options, fail, number, training_missing

DRAWS = 4  # --music: one draw of 256 chorale phrases moves the mean overlap by about a hundredth (s.d.)


def register(commands):
    evaluate = commands.add_parser(
        "evaluate", help="held-out likelihood of a trained preset",
        description="Negative log-likelihood in nats per grid step, per token and in bits per token, over "
                    "whole pieces of a split. For a sigmoid (pianoroll) head, nats per step is the "
                    "frame-level NLL of the published JSB Chorales results. A GAN preset has no likelihood: "
                    "its card's music-statistics overlap is shown instead.")
    add_preset_options(evaluate)
    evaluate.add_argument("--data", metavar="SOURCE", help="corpus to evaluate on (default: the preset's own)")
    evaluate.add_argument("--split", choices=SPLITS, default="test",
                          help="the pieces measured (default test); with --music, the bars primed and the "
                               "phrases compared: choose between models or settings on valid, report test")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument("--music", action="store_true",
                          help="music statistics instead: phrases it writes after held-out bars against the "
                               "phrases that followed (pitch classes, range, notes per bar, onsets, lengths, "
                               "polyphony, intervals, in-key share; overlap per feature), held-out against "
                               "held-out as the ceiling")
    evaluate.add_argument("--phrases", type=number(int, 2, 4096), default=256, metavar="N",
                          help="--music: phrases per draw (default 256; with 64 the mean moves by a few hundredths "
                               "from one draw to the next)")
    evaluate.add_argument("--draws", type=number(int, 1, 64), default=DRAWS, metavar="K",
                          help=f"--music: draws of phrases (other phrases, other seeds), averaged; the spread "
                               f"printed is their standard deviation (default {DRAWS})")
    evaluate.add_argument("--density", action="store_true",
                          help="calibrate instead: for a pianoroll preset, how often a step sounds and starts "
                               "each number of keys, fitted to its corpus; then the onset bias at which it writes "
                               "its corpus's notes per bar from silence, per temperature (0.1..2), which sampling "
                               "adds at that temperature")
    evaluate.add_argument("--save-card", action="store_true",
                          help="--music, --density: write the figures into the preset's model card (its JSON "
                               "beside the weights)")
    return evaluate


def run(args) -> int:
    if (missing := training_missing("evaluate")) is not None:
        return missing
    from ..models.presets import PresetError, get_preset

    try:
        preset = get_preset(args.preset, args.config)
        weights = preset.load_weights()
        if args.music:
            return music_figures(preset, args)
        if args.density:
            return density_offsets(preset, args)
        if preset.config.model.kind == "gan":
            return gan_figures(preset, args)
    except PresetError as exc:
        return fail("evaluate", exc)
    from ..models import recurrent
    from ..train.corpus import SourceError
    from ..train.corpus_filters import preset_corpus
    from ..train.dataset import fill_empty_splits, prepare_splits
    from ..train.evaluate import split_nll

    data = preset.config.data
    encoding = preset.encoding()
    try:
        corpus, _ = preset_corpus(preset, progress=True, source=args.data)
    except SourceError as exc:
        return fail("evaluate", exc)
    # On its own data a preset is measured on exactly the pieces it was trained and carded with.
    max_pieces = data.max_pieces if not args.data else 0
    transpose = "normalize" if data.transpose == "normalize" else "none"
    splits = prepare_splits(corpus.resplit(data.split), encoding, transpose, max_pieces)
    if splits["train"].pieces:  # as `musigan train` did: a missing valid or test split has its stand-in
        fill_empty_splits(splits, encoding, lambda line: print(line, file=sys.stderr))
    split = splits[args.split]
    if not split.pieces:
        return fail("evaluate", f"{corpus.source} has no {args.split} pieces in the encoding's range")
    model = recurrent.build_language_model(preset.config.model, encoding.vocab_size)
    try:
        recurrent.import_weights(model, weights, str(preset.weights_file))
    except ValueError as exc:
        return fail("evaluate", exc)
    result = split_nll(model, split, progress=True)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    grid = f"1/{4 * data.steps_per_quarter} note" if data.steps_per_quarter > 1 else "quarter note"
    print_table(f"{preset.name} [{args.split}] on {corpus.source}; a step is a {grid}",
                ("pieces", "steps", "tokens", "nats/step", "nats/token", "bits/token"),
                (result["pieces"], result["steps"], result["tokens"], f"{result['nll_per_step']:.4f}",
                 f"{result['nll_per_token']:.4f}", f"{result['bits_per_token']:.4f}"))
    if preset.config.model.head == "sigmoid":
        print("nats/step is the frame-level NLL of the published JSB results (88-key Bernoulli sum).")
    return 0


def gan_figures(preset, args) -> int:
    """A GAN has no likelihood; what measures it is how close its phrases' statistics come to the corpus's."""
    music = preset.card()["metrics"].get(f"{args.split}_music")
    if music is None:
        return fail("evaluate", f"{preset.name} is a GAN: it has no likelihood, and its card holds no music "
                                f"statistics for the {args.split} split")
    if args.json:
        print(json.dumps(music, indent=2))
        return 0
    print(f"{preset.name} is a GAN: it has no likelihood. Overlap of its phrases' music statistics with held-out "
          f"{args.split} phrases (Yang & Lerch 2018; 1 = indistinguishable), from its model card:")
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{preset.name} [{args.split}]", title_justify="left")
    for column in ("feature", "overlap"):
        table.add_column(column, justify="right")
    for name, figures in music.items():
        if isinstance(figures, dict):
            table.add_row(name, f"{figures['overlap']:.3f}")
    table.add_row("mean", f"{music['mean_overlap']:.3f}")
    Console().print(table)
    return 0


def music_figures(preset, args) -> int:
    """`--music`: the per-feature overlap of its phrases with held-out ones, beside the ceiling."""
    from rich.console import Console
    from rich.progress import Progress
    from rich.table import Table

    from ..models.files import save_json
    from ..train.corpus import SourceError
    from ..train.music_report import music_report

    if args.save_card and args.split != "test":
        return fail("evaluate", f"--save-card keeps the test split's music figures in the card; drop it or "
                                f"--split {args.split}")
    try:
        with Progress(transient=True, disable=args.json) as bar:
            task = bar.add_task(f"{preset.name}: writing phrases", total=args.phrases * args.draws)
            report = music_report(preset, args.phrases, args.draws, split=args.split,
                                  progress=lambda done, total: bar.update(task, completed=done, total=total))
    except (SourceError, ValueError) as exc:
        return fail("evaluate", exc)
    if args.save_card:
        card = preset.card()
        card["music"] = report
        save_json(preset.card_file, card)
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    generated, ceiling = report["generated"], report["ceiling"]
    table = Table(title=f"{preset.name}: {report['draws']} draws of {report['phrases']} phrases of "
                        f"{report['bars']} bars after {args.split} bars, against the {args.split} phrases that "
                        "followed (overlap 1 = indistinguishable; means over the draws, ± their standard deviation)",
                  title_justify="left")
    for column in ("feature", "generated", "held-out", "overlap", "ceiling"):
        table.add_column(column, justify="right")
    for name, figures in generated.items():
        if isinstance(figures, dict):
            means = [f"{figures[k]:.2f}" if k in figures else "" for k in ("generated", "reference")]
            table.add_row(name, *means, f"{figures['overlap']:.3f}", f"{ceiling[name]['overlap']:.3f}")
    spread = report["spread"]
    table.add_row("mean", "", "", f"[bold]{generated['mean_overlap']:.3f}[/] ± {spread['generated']:.3f}",
                  f"{ceiling['mean_overlap']:.3f} ± {spread['ceiling']:.3f}")
    Console().print(table)
    if args.save_card:
        print(f"wrote the figures into {preset.card_file}")
    return 0


def density_offsets(preset, args) -> int:
    """`--density`: calibrate the card's density offsets, print them, and keep them with --save-card."""
    from rich.progress import Progress

    from ..models.files import save_json
    from ..train.density_calibration import calibrate_card

    try:
        with Progress(transient=True, disable=args.json) as bar:
            task = bar.add_task(f"{preset.name}: calibrating density", total=None)
            entries = calibrate_card(preset, progress=lambda done, total: bar.update(task, completed=done, total=total))
    except ValueError as exc:
        return fail("evaluate", exc)
    if args.save_card:
        card = preset.card()
        card["data"].update(entries)
        save_json(preset.card_file, card)
    if args.json:
        print(json.dumps(entries))
        return 0
    offsets = entries["density_offsets"]
    print(f"{preset.name}: onset bias (nats) at which it writes {preset.card()['data']['notes_per_bar']} notes a bar: "
          + ", ".join(f"T={t}: {b:+.2f}" for t, b in offsets.items()))
    if "key_count_weights" in entries:
        print("on top of its key counts (how many keys a step sounds and starts), fitted to its corpus's")
    if args.save_card:
        print(f"wrote them into {preset.card_file}")
    return 0


def print_table(title: str, columns, row) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right")
    table.add_row(*map(str, row))
    Console().print(table)
