"""`musigan sweep SWEEP.yaml`: train variants of a preset one after another and rank them on valid."""
from __future__ import annotations

from pathlib import Path

from .args import fail, training_missing
from .output_paths import output_problem


def register(commands):
    sweep = commands.add_parser(
        "sweep", help="train variants of a preset and rank them",
        description="Train every variant a sweep file names (a grid of preset keys, or random draws), each with "
                    "the same time budget, one after another; write a ranked table (terminal and results.md), "
                    "valid NLL per epoch of every trial (valid.png) and the winner as a ready preset "
                    "(winner.yaml and its weights: use it with --config). See train/sweep.py for the file's form.")
    sweep.add_argument("file", metavar="SWEEP.yaml")
    sweep.add_argument("--out", metavar="DIR", help="sweep folder (default runs/sweep-NAME, NAME the file's stem)")
    sweep.add_argument("--resume", action="store_true", help="go on with a killed sweep in its folder")
    return sweep


def run(args) -> int:
    if (missing := training_missing("sweep")) is not None:
        return missing
    from rich.console import Console
    from rich.table import Table

    from ..models.presets import PresetError
    from ..train.corpus import SourceError
    from ..train.run import RunError
    from ..train.sweep import Sweep, SweepError

    console = Console(soft_wrap=True)
    out = Path(args.out or Path("runs") / f"sweep-{Path(args.file).stem}")
    if problem := output_problem("--out", out, folder=True):
        return fail("sweep", problem)
    try:
        sweep = Sweep(Path(args.file), out, console, resume=args.resume)
        ranked = sweep.run()
    except (SweepError, PresetError, SourceError, RunError) as exc:
        return fail("sweep", exc)
    except KeyboardInterrupt:
        print(f"\nmusigan sweep: interrupted; finished trials are kept in {out}. Continue with: musigan sweep "
              f"{args.file} --out {out} --resume")
        return 130
    table = Table(title=f"sweep of {sweep.base.name}: valid NLL, nats per step (lower is better)", title_justify="left")
    for column in ("rank", "trial", "overrides", "valid", "epochs", "seconds"):
        table.add_column(column)
    for rank, trial in enumerate(ranked, 1):
        table.add_row(str(rank), trial["name"], str(trial["overrides"]), f"{trial['valid']:.4f}", str(trial["epochs"]),
                      f"{trial['seconds']:.0f}")
    console.print(table)
    console.print(f"wrote {out / 'results.md'}, {out / 'valid.png'} and {out / 'winner.yaml'} "
                  f"(musigan play --config {out / 'winner.yaml'} --preset {sweep.base.name}-sweep)", highlight=False)
    return 0
