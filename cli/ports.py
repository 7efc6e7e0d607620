"""`musigan ports`: what a player connects to."""
from __future__ import annotations

from ..live.midi_api import API_NAMES


def register(commands):
    ports = commands.add_parser("ports", help="list MIDI input and output ports per API",
                                description="List the MIDI inputs and outputs each MIDI API sees.")
    ports.add_argument("--api", choices=tuple(API_NAMES),
                       help="only this MIDI API (default: every API compiled into python-rtmidi)")
    return ports


def run(args) -> int:
    from rich.console import Console
    from rich.table import Table

    from ..live.midi_api import compiled_apis, list_ports

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
