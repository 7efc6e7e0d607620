"""`musigan play`'s Magenta-style options and its knobs: which CC does what (defaults, a mapping file,
`--cc-NAME` flags) and `--learn`, which asks for each control and writes the mapping."""
from __future__ import annotations

from ..live.controls import CONTROLS
from .args import fail, number, say


def add_jam_options(play) -> None:
    """Magenta-style controls: listening bounds, loop, state out, clock out, and which CC does what."""
    play.add_argument("--min-listen", type=number(int, 0, 8), default=0, metavar="BARS",
                      help="respond: a call shorter than this is not answered yet (default 0)")
    play.add_argument("--max-listen", type=number(int, 0, 64), default=0, metavar="BARS",
                      help="respond: after this long the companion answers even if you play on, as a duet "
                           "partner cutting in (default 0: never)")
    play.add_argument("--loop-bars", type=number(int, 1, 16), default=2, metavar="BARS",
                      help="solo: how many of its last bars the loop control repeats (default 2)")
    play.add_argument("--state-cc", type=number(int, 0, 127), metavar="CC",
                      help="say what the companion is doing on this CC of its output channel: 0 listening, "
                           "64 answering, 96 looping, 127 silenced (default off)")
    play.add_argument("--clock-out", action="store_true",
                      help="be the MIDI clock master: 24 ticks a quarter, Start and Stop on the output, so a "
                           "DAW set to Sync follows the companion's tempo (internal clock only)")
    play.add_argument("--glide", type=number(float, 0, 64), default=4.0, metavar="BEATS",
                      help="a tempo change (the tempo knob) glides over this many beats (default 4)")
    play.add_argument("--controls", metavar="FILE.yaml",
                      help="which CC moves each control (default: the file --learn wrote, if any)")
    play.add_argument("--learn", action="store_true",
                      help="ask for each control in turn, take the CC you move, and write the mapping "
                           "(to --controls FILE, else the user's controls.yaml) for later sessions")
    play.add_argument("--learn-wait", type=number(float, 0.5, 120), default=10.0, metavar="SECONDS",
                      help="--learn: how long to wait for each control before keeping its CC (default 10)")
    for name, (cc, what) in CONTROLS.items():
        play.add_argument(f"--cc-{name.replace('_', '-')}", type=number(int, 0, 127), metavar="CC",
                          help=f"CC for {what} (default {cc})")


def control_mapping(args) -> dict[str, int]:
    """Each control's CC: the defaults, then the mapping file (--controls, else the learned one),
    then --cc-NAME flags; ControlError names what clashes."""
    from ..live.controls import check, default_path, load

    path = args.controls or (default_path() if default_path().is_file() else None)
    mapping = load(path) if path else {}
    flags = {name: getattr(args, f"cc_{name}") for name in CONTROLS if getattr(args, f"cc_{name}") is not None}
    return check({**mapping, **flags}, str(path) if path and not flags else "",
                 lambda name: f"--cc-{name.replace('_', '-')}" if name in flags or not path else name)


def learn_controls(args) -> int:
    """`--learn`: ask for each control, take the CC that moves, write the mapping for later sessions."""
    from ..live.controls import default_path, learn, save
    from ..live.midi_bytes import MidiParser
    from ..live.midi_api import default_api
    from ..live.ports import PortError, open_input

    parser = MidiParser()
    try:
        with open_input(args.api or default_api(), args.input) as source:
            say(f"learning controls from {source.description}; the sustain pedal (CC 64) stays the pedal")
            mapping = learn(lambda: [m for _, data in source.poll() for m in parser.feed(data)], say,
                            args.learn_wait)
    except (PortError, ValueError) as exc:
        return fail("play", exc)
    path = save(args.controls or default_path(), mapping)
    say(f"wrote {path}: later sessions load it" + ("" if not args.controls else f" with --controls {path}"))
    return 0
