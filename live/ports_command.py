"""`musigan ports`: what a player connects to."""
from __future__ import annotations

from rich.console import Console
from rich.table import Table

from .ports import compiled_apis, list_ports


def run(args) -> int:
    console = Console()
    apis = [args.api] if args.api else compiled_apis()
    for api in apis:
        try:
            inputs, outputs = list_ports(api)
        except OSError as exc:
            console.print(f"[yellow]{api}[/]: {exc}", highlight=False)
            continue
        table = Table(title=f"MIDI ports ({api})", title_justify="left")
        table.add_column("inputs (play into musigan)")
        table.add_column("outputs (musigan plays out)")
        for i in range(max(len(inputs), len(outputs), 1)):
            table.add_row(inputs[i] if i < len(inputs) else "", outputs[i] if i < len(outputs) else "")
        console.print(table)
    return 0
