"""What every command shares: one-line argument errors, range-checked flag types, one error exit.

A user's mistake gets `musigan COMMAND: --flag must be ..., got X` on one line and exit status 2,
never a usage dump or a traceback.
"""
from __future__ import annotations

import argparse
import os
import sys
from importlib.util import find_spec

USAGE_ERROR = 2
MEMORY = 0.3  # --memory: chosen with bench/memory.py (docs/RESULTS.md)


class Parser(argparse.ArgumentParser):
    """argparse with the error on one line (`musigan generate: --bars must be >= 1, got 0`)."""

    def error(self, message: str):
        message = message.removeprefix("argument ")
        if message.startswith("-") and ": " in message:  # "--bars: must be" -> "--bars must be"
            flag, reason = message.split(": ", 1)
            message = f"{flag.split('/')[-1]} {reason}"
        print(f"{self.prog}: {message} (see {self.prog} --help)", file=sys.stderr)
        sys.exit(USAGE_ERROR)


def fail(command: str, reason) -> int:
    """Report a user's mistake (a bad preset, file, port ...) on one line; the exit status is 2."""
    print(f"musigan {command}: {reason}", file=sys.stderr)
    return USAGE_ERROR


TRAIN_INSTALL = "pip install 'musigan[train]'"


def training_missing(command: str) -> int | None:
    """`train`, `evaluate` and `sweep` need Keras and its backend, which the player's install leaves
    out: say so in one line (exit 2) before any work, instead of an ImportError mid-run."""
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    missing = [name for name in ("keras", backend) if find_spec(name) is None]
    if not missing:
        return None
    return fail(command, f"{command} needs the training extra ({' and '.join(missing)} not installed): "
                         f"{TRAIN_INSTALL}")


def say(line: str) -> None:
    """A progress or status line, flushed at once (a pipe or a log sees it as it happens). A reader that
    left (`musigan play | head`) silences the lines, never the session: what it records is still saved."""
    try:
        print(line, flush=True)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def number(kind=int, low=None, high=None, low_open: bool = False):
    """An argparse type: `kind` within [low, high] (or (low, high] with `low_open`)."""
    what = "an integer" if kind is int else "a number"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {what}, got {text!r}") from None
        too_low = low is not None and (value <= low if low_open else value < low)
        if too_low or (high is not None and value > high):
            if high is None:
                bound = f"> {low}" if low_open else f">= {low}"
            else:
                bound = f"in ({low}, {high}]" if low_open else f"in {low}..{high}"
            raise argparse.ArgumentTypeError(f"must be {bound}, got {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its own messages
    return parse


def metre_text(text: str):
    """An argparse type: '6/8' -> Metre(6, 8)."""
    from ..models.metre import Metre

    try:
        return Metre.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def channel_list(text: str) -> tuple[int, ...]:
    """An argparse type: `2,3,4` -> (2, 3, 4), each a MIDI channel 1..16."""
    parts = text.split(",")
    if not all(part.strip().isdigit() and 1 <= int(part) <= 16 for part in parts):
        raise argparse.ArgumentTypeError(f"must be channels 1..16 separated by commas, got {text!r}")
    return tuple(int(part) for part in parts)


def add_preset_options(parser: argparse.ArgumentParser, positional: bool = True) -> None:
    if positional:
        parser.add_argument("preset", help="a preset name (see `musigan presets`)")
    parser.add_argument("--config", action="append", default=[], metavar="YAML",
                        help="a YAML file of presets that adds to or overrides the shipped ones (repeatable)")


def add_sampling_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--temperature", type=number(float, 0, 10, low_open=True),
                        help="sampling temperature, > 0 (default: the preset's)")
    parser.add_argument("--top-p", type=number(float, 0, 1, low_open=True),
                        help="nucleus sampling mass, in (0, 1] (default: the preset's)")
    add_memory_option(parser)


def add_memory_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--memory", type=number(float, 0, 1), default=MEMORY, metavar="AMOUNT",
                        help="how much it borrows from what you played (this session, or the clip): your "
                             f"motifs, rhythms and harmonies come back developed; 0 = the preset alone, 1 = "
                             f"the memory alone (default {MEMORY})")


def add_piece_options(parser: argparse.ArgumentParser) -> None:
    """What every command that writes a MIDI file takes: where, which random draw, and a picture."""
    parser.add_argument("--out", required=True, metavar="FILE.mid")
    parser.add_argument("--seed", type=number(int, 0), default=0, help="random seed (default 0)")
    parser.add_argument("--plot", action="store_true", help="also draw it as a piano roll, FILE.png beside it")
