"""The `musigan` command: one module per subcommand, each with `register(commands)` and `run(args)`.

At load a module imports only the small tables its flags name (control names, MIDI APIs, modes,
splits); everything else is imported inside `run`, so `--help`, `ports`, `presets` and `play` never
pay for (or depend on) TensorFlow, and the commands that play import nothing of `train/` (tested).
"""
from __future__ import annotations

from . import (
    continue_clip,
    data,
    evaluate,
    generate,
    harmonize,
    play,
    plot,
    ports,
    presets,
    sessions,
    sweep,
    train,
)
from .args import Parser

COMMANDS = (data, train, sweep, evaluate, generate, harmonize, continue_clip, presets, play, sessions, plot, ports)


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("musigan")
    except PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> Parser:
    parser = Parser(
        prog="musigan",
        description="A real-time MIDI improvisation companion: train GRU/LSTM presets on MIDI and "
                    "MusicXML corpora, generate MIDI, and jam with a keyboard through a virtual port.")
    parser.add_argument("--version", action="version", version=f"musigan {version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=Parser)
    for command in COMMANDS:
        command.register(commands).set_defaults(handler=command.run)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args) or 0
    except KeyboardInterrupt:
        return 130
