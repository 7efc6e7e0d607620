"""`musigan data SOURCE`: ingest a corpus, report skipped files, print statistics."""
from __future__ import annotations

import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .corpus import SPLITS, SourceError, load_corpus
from .stats import corpus_stats
from .transpose import apply_transposition


def report_skipped(corpus) -> None:
    """One line per skipped file with its reason (on stderr, never wrapped), then the count."""
    for path, reason in corpus.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    if corpus.skipped:
        print(f"{len(corpus.skipped)} file(s) skipped, {len(corpus.pieces)} piece(s) read", file=sys.stderr)


def run(args) -> int:
    console = Console()
    try:
        corpus = load_corpus(args.source, steps_per_quarter=args.steps_per_quarter, include_drums=args.drums,
                             jobs=args.jobs, use_cache=not args.no_cache, progress=sys.stderr.isatty())
    except SourceError as exc:
        print(f"musigan data: {exc}", file=sys.stderr)
        return 2
    report_skipped(corpus)
    groups = [(s, corpus.split(s)) for s in SPLITS] if args.stats else []
    groups.append(("all", corpus.pieces))
    table = Table(title=f"{corpus.source}{' (cached)' if corpus.from_cache else ''}, "
                        f"transpose={args.transpose}", title_justify="left")
    for column in ("split", "pieces", "notes", "steps", "pitch range", "polyphony mean/max", "silent steps"):
        table.add_column(column, justify="left" if column == "split" else "right")
    for name, pieces in groups:
        stats = corpus_stats(apply_transposition(pieces, args.transpose))
        pitch_range = f"{stats['pitch_low']}..{stats['pitch_high']}" if stats["pieces"] else "-"
        table.add_row(name, str(stats["pieces"]), str(stats["notes"]), str(stats["steps"]), pitch_range,
                      f"{stats['polyphony_mean']:.2f} / {stats['polyphony_max']}", f"{stats['silent_steps']:.1%}")
    console.print(table)
    console.print(f"skipped files: {len(corpus.skipped)}", highlight=False)
    if args.export:
        export(corpus.pieces, Path(args.export), args.transpose)
        console.print(f"wrote {len(corpus.pieces)} MIDI file(s) to {args.export}", highlight=False)
    return 0


def export(pieces, folder: Path, transpose: str) -> None:
    from ..models.midi_file import write_midi

    for index, piece in enumerate(apply_transposition(pieces, transpose)):
        write_midi(piece, folder / f"{index:04d}-{piece.name.replace('/', '_')}.mid")
