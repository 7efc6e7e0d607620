"""The `musigan` command. Subcommands import their modules lazily, so `--help`, `ports`, `presets`
and `play` never pay for (or depend on) TensorFlow."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="musigan",
        description="A real-time MIDI improvisation companion: train GRU/LSTM presets on MIDI and "
                    "MusicXML corpora, generate MIDI, and jam with a keyboard through a virtual port.")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    data = commands.add_parser(
        "data", help="ingest a corpus and show what is in it",
        description="Ingest a corpus (cached after the first time) and print its statistics. SOURCE is a "
                    "folder or file of MIDI/MusicXML/.mxl/Humdrum/ABC, corpus:NAME (music21's bundled "
                    "corpus, e.g. corpus:bach, corpus:oneills1850) or jsb:PATH (JSB Chorales JSON).")
    data.add_argument("source")
    data.add_argument("--stats", action="store_true", help="statistics per split (default: whole corpus)")
    data.add_argument("--steps-per-quarter", type=int, default=4, metavar="N", help="grid resolution (default 4)")
    data.add_argument("--transpose", choices=("none", "normalize", "augment"), default="none",
                      help="normalize: every piece to C major / A minor; augment: every piece in 12 keys")
    data.add_argument("--drums", action="store_true", help="keep MIDI channel 10 (left out by default)")
    data.add_argument("--jobs", type=int, default=None, help="reader processes (default: all cores)")
    data.add_argument("--no-cache", action="store_true", help="ingest from the files even if cached")
    data.add_argument("--export", metavar="DIR", help="also write every piece as a MIDI file into DIR")
    data.set_defaults(handler=("musigan.train.data_command", "run"))

    ports = commands.add_parser("ports", help="list MIDI input and output ports per API")
    ports.add_argument("--api", choices=("alsa", "jack", "coremidi", "windows"),
                       help="only this MIDI API (default: every API compiled into python-rtmidi)")
    ports.set_defaults(handler=("musigan.live.ports_command", "run"))
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    module_name, function = args.handler
    import importlib

    handler = getattr(importlib.import_module(module_name), function)
    try:
        return handler(args) or 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
