"""`musigan data SOURCE`: ingest a corpus, report skipped files, print statistics."""
from __future__ import annotations

import sys
from pathlib import Path

from ..models.preset_schema import TRANSPOSE_MODES
from .args import fail, number
from .output_paths import output_problem


def register(commands):
    data = commands.add_parser(
        "data", help="ingest a corpus and show what is in it",
        description="Ingest a corpus (cached after the first time) and print its statistics. SOURCE is a "
                    "folder or file of MIDI/MusicXML/.mxl/Humdrum/ABC, corpus:NAME (music21's bundled "
                    "corpus, e.g. corpus:bach, corpus:oneills1850), jsb:NAME (a JSB Chorales split shipped "
                    "with musigan: jsb:jsb-chorales-quarter, jsb:jsb-chorales-16th, jsb:jsb-16th-satb) or "
                    "jsb:PATH (your own JSON split of the same shape, optionally .gz).")
    data.add_argument("source")
    data.add_argument("--stats", action="store_true", help="statistics per split (default: whole corpus)")
    data.add_argument("--steps-per-quarter", type=number(int, 1, 96), metavar="N",
                      help="grid resolution (default 4; for jsb: the grid of the file, read from its name "
                           "when it says quarter/8th/16th)")
    data.add_argument("--transpose", choices=TRANSPOSE_MODES, default="none",
                      help="normalize: every piece to C major / A minor; augment: every piece in 12 keys")
    data.add_argument("--drums", action="store_true", help="keep MIDI channel 10 (left out by default)")
    data.add_argument("--jobs", type=number(int, 1), help="reader processes (default: all cores)")
    data.add_argument("--no-cache", action="store_true", help="ingest from the files even if cached")
    data.add_argument("--export", metavar="DIR", help="also write every piece as a MIDI file into DIR")
    return data


def report_skipped(corpus) -> None:
    """One line per skipped file with its reason (on stderr, never wrapped), then the count."""
    for path, reason in corpus.skipped:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    if corpus.skipped:
        print(f"{len(corpus.skipped)} file(s) skipped, {len(corpus.pieces)} piece(s) read", file=sys.stderr)


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..train.corpus import SPLITS, SourceError, load_corpus
    from ..train.corpus_stats import corpus_stats
    from ..train.transpose import apply_transposition

    console = Console()
    if args.export and (problem := output_problem("--export", args.export, folder=True)):
        return fail("data", problem)
    try:
        corpus = load_corpus(args.source, steps_per_quarter=args.steps_per_quarter, include_drums=args.drums,
                             jobs=args.jobs, use_cache=not args.no_cache, progress=True)
    except SourceError as exc:
        return fail("data", exc)
    report_skipped(corpus)
    if not corpus.pieces:
        return fail("data", f"{args.source}: no readable piece ({len(corpus.skipped)} file(s) skipped)")
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
    if corpus.readers:
        console.print("read by: " + ", ".join(f"{reader} {count} file(s)" for reader, count in
                                              sorted(corpus.readers.items())), highlight=False)
    if args.export:
        export(corpus.pieces, Path(args.export), args.transpose)
        console.print(f"wrote {len(corpus.pieces)} MIDI file(s) to {args.export}", highlight=False)
    return 0


def export(pieces, folder: Path, transpose: str) -> None:
    from ..models.midi_file import write_midi
    from ..train.transpose import apply_transposition

    for index, piece in enumerate(apply_transposition(pieces, transpose)):
        write_midi(piece, folder / f"{index:04d}-{piece.name.replace('/', '_')}.mid")
