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

    def preset_command(name, help, description, handler):
        sub = commands.add_parser(name, help=help, description=description)
        sub.add_argument("preset", help="a preset name (see `musigan presets`)")
        sub.add_argument("--config", action="append", default=[], metavar="YAML",
                         help="a YAML file of presets that adds to or overrides the shipped ones (repeatable)")
        sub.set_defaults(handler=handler)
        return sub

    train = preset_command("train", "train a preset's model and export its weights",
                           "Train the preset's model from its YAML entry (GPU when Keras sees one), with a "
                           "checkpoint every epoch, TensorBoard logs, sample MIDI files and early stopping; "
                           "then export the weights (.npz) and model card (.json) beside the preset's YAML.",
                           ("musigan.train.train_command", "run"))
    train.add_argument("--epochs", type=int, help="override the preset's epoch count")
    train.add_argument("--out", metavar="DIR", help="run folder (default runs/PRESET)")
    train.add_argument("--resume", action="store_true", help="continue the run in the run folder")

    evaluate = preset_command("evaluate", "held-out likelihood of a trained preset",
                              "Negative log-likelihood in nats per grid step, per token and in bits per token, "
                              "over whole pieces of a split. For a sigmoid (pianoroll) head, nats per step is "
                              "the frame-level NLL of the published JSB Chorales results.",
                              ("musigan.train.evaluate_command", "run"))
    evaluate.add_argument("--data", metavar="SOURCE", help="corpus to evaluate on (default: the preset's own)")
    evaluate.add_argument("--split", choices=("train", "valid", "test"), default="test")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")

    generate = preset_command("generate", "write a new MIDI file from a preset",
                              "Sample a new piece from a trained preset with the same NumPy stepper the live "
                              "companion uses, optionally continuing a primer MIDI file.",
                              ("musigan.train.generate_command", "run"))
    generate.add_argument("--bars", type=int, default=8, help="bars of 4/4 to generate (default 8)")
    generate.add_argument("--out", required=True, metavar="FILE.mid")
    generate.add_argument("--temperature", type=float, help="sampling temperature (default: the preset's)")
    generate.add_argument("--top-p", type=float, help="nucleus sampling mass (default: the preset's)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    generate.add_argument("--primer", metavar="FILE.mid", help="a MIDI file to continue")

    presets = commands.add_parser("presets", help="list presets with model, data and measured quality")
    presets.add_argument("--config", action="append", default=[], metavar="YAML", help="extra presets YAML")
    presets.set_defaults(handler=("musigan.models.presets_command", "run"))

    play = commands.add_parser(
        "play", help="jam: answer a MIDI keyboard through a virtual port (or --demo)",
        description="Listen on a MIDI input and answer on a virtual output named 'musigan' (Ableton lists it "
                    "as a MIDI input). Modes: respond (call and response), harmonize (voices under each note "
                    "you play), solo (plays on, follows you). Unset flags come from the preset's live section. "
                    "Keyboard controls: CC 16 temperature, CC 17 answer length, CC 18 mode, CC 19 panic, "
                    "CC 64 sustain, program change switches preset. Ctrl-C leaves no note hanging.")
    play.add_argument("--preset", default="bach-harmony", help="preset name (default bach-harmony)")
    play.add_argument("--config", action="append", default=[], metavar="YAML", help="extra presets YAML")
    play.add_argument("--demo", action="store_true",
                      help="no keyboard: play a Bach chorale melody into the companion and record the session")
    play.add_argument("--api", choices=("alsa", "jack", "coremidi", "windows"), help="MIDI API (default: the platform's)")
    play.add_argument("--input", metavar="NAME", help="input port (substring), or 'virtual' for a virtual "
                      "input 'musigan in' (default: first hardware input, else virtual)")
    play.add_argument("--output", metavar="NAME", help="existing output port (substring) instead of the virtual "
                      "'musigan' port; required on Windows (e.g. a loopMIDI port)")
    play.add_argument("--mode", choices=("respond", "harmonize", "solo"))
    play.add_argument("--bpm", type=float, help="tempo of the internal clock")
    play.add_argument("--clock", choices=("internal", "midi"), default="internal",
                      help="internal tempo, or follow the DAW's MIDI clock on the input (default internal)")
    play.add_argument("--channel-in", type=int, metavar="1-16", help="listen to one channel (default all)")
    play.add_argument("--channel-out", type=int, metavar="1-16", help="channel to play on (default the preset's)")
    play.add_argument("--temperature", type=float, help="sampling temperature (default the preset's)")
    play.add_argument("--top-p", type=float, help="nucleus sampling mass (default the preset's)")
    play.add_argument("--answer-bars", type=int, help="respond: answer length in bars, 0 = as long as the phrase")
    play.add_argument("--phrase-gap", type=float, default=1.0, metavar="BEATS",
                      help="respond: silence that ends a phrase (default 1 beat)")
    play.add_argument("--voices", type=int, default=3, help="harmonize: voices under each note (default 3)")
    play.add_argument("--low", type=int, default=36, help="lowest pitch the companion plays (default 36)")
    play.add_argument("--high", type=int, default=96, help="highest pitch the companion plays (default 96)")
    play.add_argument("--seed", type=int, help="random seed for repeatable answers")
    play.add_argument("--record", metavar="FILE.mid", help="record player and companion to a MIDI file")
    play.add_argument("--programs", metavar="A,B,C", help="presets for program changes 0,1,2.. (default: trained presets, sorted)")
    play.add_argument("--duration", type=float, metavar="SECONDS", help="stop after this long")
    play.add_argument("--quiet", action="store_true", help="no live status line")
    for name, number, what in (("temperature", 16, "temperature"), ("answer", 17, "answer length"),
                               ("mode", 18, "mode"), ("panic", 19, "panic")):
        play.add_argument(f"--cc-{name}", type=int, default=number, metavar="CC", help=f"CC for {what} (default {number})")
    play.set_defaults(handler=("musigan.live.play_command", "run"))

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
