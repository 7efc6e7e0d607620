"""`musigan sessions`: every take `musigan play` kept, newest first, with what a player wants to know
of each (when, how long, which preset and mode, how many notes each of you played, the key)."""
from __future__ import annotations

from .args import number


def register(commands):
    sessions = commands.add_parser(
        "sessions", help="list the sessions musigan play kept, newest first",
        description="Every `musigan play` session is kept as a MIDI file (your part and musigan's on separate "
                    "tracks) in your sessions folder unless you pass --no-keep. This lists them, newest first; "
                    "`musigan train NAME --from PRESET` learns from them.")
    sessions.add_argument("--last", type=number(int, 1), metavar="N", help="only the N newest")
    return sessions


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..live.takes import list_takes
    from ..paths import user_sessions_dir

    takes = list_takes()[:args.last]
    folder = user_sessions_dir()
    if not takes:
        print(f"no sessions kept yet in {folder}: `musigan play` keeps each one there")
        return 0
    table = Table(title=f"sessions kept in {folder}", title_justify="left")
    for column in ("date", "length", "preset", "mode", "your notes", "its notes", "key", "file"):
        table.add_column(column, justify="right" if "notes" in column else "left")
    for take in takes:
        length = f"{take['seconds']:.0f} s, {take['bars']} bars" if "seconds" in take else "-"
        table.add_row(take.get("date", "-").replace("T", " "), length, take.get("preset", "-"), take.get("mode", "-"),
                      str(take.get("your_notes", "-")), str(take.get("its_notes", "-")), take.get("key", "-"),
                      take["file"])
    Console(width=200).print(table)
    return 0
