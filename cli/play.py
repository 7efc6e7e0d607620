"""`musigan play`: its flags, its one-line errors and its exit status; the session itself (ports,
engine, signals, the ordered shutdown, the recording) is `live/session.py`.

Never imports TensorFlow, Keras or anything of `train/`: the preset runs on the NumPy stepper, so it
is ready to answer well under a second after start.
"""
from __future__ import annotations

import sys
import time

from ..live.accompany import COMPING
from ..live.controls import CONTROLS
from ..live.midi_api import API_NAMES
from ..models.preset_schema import MODES
from .args import (
    add_preset_options,
    add_sampling_options,
    channel_list,
    fail,
    metre_text,
    number,
    say,
)
from .controls import add_jam_options, control_mapping, learn_controls
from .output_paths import output_problem
from .plot import plot_recording

DEFAULT_PORT = 8765  # the view's (live/view_server.py imports only when --view is asked)


def register(commands):
    play = commands.add_parser(
        "play", help="jam: answer a MIDI keyboard through a virtual port (or --demo)",
        description="Listen on a MIDI input and answer on a virtual output named 'musigan' (Ableton lists it "
                    "as a MIDI input). Modes: respond (call and response), harmonize (voices under each note "
                    "you play), solo (plays on, follows you). Unset flags come from the preset's live section. "
                    "Keyboard controls (defaults; --learn or --controls FILE to move them): "
                    + ", ".join(f"CC {cc} {name.replace('_', ' ')}" for name, (cc, _) in CONTROLS.items())
                    + ", CC 64 sustain; program change switches preset. Ctrl-C leaves no note hanging.")
    add_preset_options(play, positional=False)
    play.add_argument("--preset", default="bach-harmony", help="preset name (default bach-harmony)")
    play.add_argument("--demo", action="store_true",
                      help="no keyboard: play a Bach chorale melody into the companion and record the session")
    play.add_argument("--api", choices=tuple(API_NAMES), help="MIDI API (default: the platform's)")
    play.add_argument("--input", metavar="NAME", help="input port (substring), or 'virtual' for a virtual "
                      "input 'musigan in' (default: first hardware input, else virtual)")
    play.add_argument("--output", metavar="NAME", help="existing output port (substring) instead of the virtual "
                      "'musigan' port; required on Windows (e.g. a loopMIDI port)")
    play.add_argument("--mode", choices=MODES)
    play.add_argument("--bpm", type=number(float, 20, 400), help="tempo of the internal clock, 20..400")
    play.add_argument("--clock", choices=("internal", "midi"), default="internal",
                      help="internal tempo, or follow the DAW's MIDI clock on the input (default internal)")
    play.add_argument("--channel-in", type=number(int, 1, 16), metavar="1-16",
                      help="listen to one channel (default all)")
    play.add_argument("--channel-out", type=number(int, 1, 16), metavar="1-16",
                      help="channel to play on (default the preset's)")
    add_sampling_options(play)
    play.add_argument("--answer-bars", type=number(int, 0, 64),
                      help="respond: answer length in bars, 0 = as long as the phrase")
    play.add_argument("--phrase-gap", type=number(float, 0, 16, low_open=True), default=0.7, metavar="BEATS",
                      help="respond: silence that ends a phrase; the answer starts on the grid step where it "
                           "ends (default 0.7 beat: a half-beat rest inside a phrase is not its end, and "
                           "on a 16th grid the answer comes within a beat of your last note-off)")
    play.add_argument("--voices", type=number(int, 1, 8), default=3,
                      help="harmonize: voices under each note (default 3)")
    play.add_argument("--comping", choices=COMPING, default="held",
                      help="accompany: the chords held until they change, a stab on every beat (pulse), or "
                           "their notes in turn (arpeggio); the comping knob moves it live (default held)")
    play.add_argument("--metre", type=metre_text, metavar="N/D",
                      help="the bar you play in, e.g. 6/8 for a jig: bar lines, the beats accompany plays on, "
                           "the metronome (default the preset's, 4/4 for most)")
    play.add_argument("--bass-channel", type=number(int, 1, 16), metavar="1-16",
                      help="accompany: the bass line's channel (default the one after --channel-out)")
    play.add_argument("--key-pull", type=number(float, 0, 10), default=3.0, metavar="NATS",
                      help="answer in the key you play in: a pitch outside it is e^-NATS as likely "
                           "(default 3: about a twentieth; 0: the model alone)")
    play.add_argument("--velocity", type=number(int, 1, 127), metavar="1-127",
                      help="play every note at this velocity (default: follow your dynamics, accenting bar starts)")
    play.add_argument("--voice-channels", type=channel_list, metavar="A,B,C",
                      help="each voice on its own channel, from the top down (harmonize: alto, tenor, bass; "
                           "solo/respond: by register), so a DAW can give each its own instrument")
    play.add_argument("--metronome", action="store_true", help="click every beat from the internal clock, accented "
                      "on each bar's first (off by default)")
    play.add_argument("--click-channel", type=number(int, 1, 16), default=10, metavar="1-16",
                      help="metronome channel (default 10, General MIDI drums)")
    play.add_argument("--click-note", type=number(int, 0, 127), default=76, metavar="NOTE",
                      help="metronome note (default 76, high wood block)")
    play.add_argument("--count-in", type=number(int, 0, 8), default=0, metavar="BARS",
                      help="solo: click this many bars before the companion starts (default 0)")
    play.add_argument("--low", type=number(int, 0, 127), default=36,
                      help="lowest pitch the companion plays (default 36)")
    play.add_argument("--high", type=number(int, 0, 127), default=96,
                      help="highest pitch the companion plays (default 96)")
    play.add_argument("--seed", type=number(int, 0), help="random seed for repeatable answers")
    play.add_argument("--record", metavar="FILE.mid", help="record player and companion to a MIDI file "
                      "(--demo records to musigan-demo.mid unless told otherwise)")
    play.add_argument("--no-keep", action="store_true",
                      help="keep no take of this session (by default every session is kept in your sessions "
                           "folder; `musigan sessions` lists them)")
    play.add_argument("--plot", action="store_true", help="with --record (or --demo): draw the session as a piano "
                      "roll, FILE.png beside the recording")
    play.add_argument("--programs", metavar="A,B,C",
                      help="presets for program changes 0,1,2.. (default: trained presets, sorted)")
    play.add_argument("--duration", type=number(float, 0, low_open=True), metavar="SECONDS",
                      help="stop after this long")
    play.add_argument("--quiet", action="store_true", help="no live status line")
    add_view_options(play)
    add_jam_options(play)
    return play


def add_view_options(play) -> None:
    view = play.add_argument_group("the live view in a browser (piano roll, the plan ahead, the controls)")
    view.add_argument("--view", action="store_true",
                      help="serve the view on this machine and print its address (http://127.0.0.1:PORT/)")
    view.add_argument("--view-port", type=number(int, 0, 65535), default=DEFAULT_PORT, metavar="PORT",
                      help=f"its port (default {DEFAULT_PORT}; another free one, with a line saying so, when "
                           "taken; 0: any free one); implies --view")
    view.add_argument("--view-host", metavar="ADDRESS",
                      help="serve it on this address instead of 127.0.0.1 only, e.g. 0.0.0.0 for a tablet beside "
                           "the keyboard; the page then needs the token printed in its address; implies --view")
    view.add_argument("--open", action="store_true", help="open the view in your default browser; implies --view")


def check_flags(args) -> str | None:
    """What no single flag's range can say: the flags that must agree with each other."""
    if args.view_host is not None and not is_address(args.view_host):
        return f"--view-host must be an IP address (127.0.0.1, 0.0.0.0, 192.168.1.20) or localhost, got {args.view_host!r}"
    if args.low >= args.high:
        return f"--low must be below --high, got --low {args.low} --high {args.high}"
    if args.clock_out and args.clock == "midi":
        return "--clock-out makes musigan the clock; it cannot also follow one (--clock midi)"
    if args.max_listen and args.max_listen < args.min_listen:
        return f"--max-listen {args.max_listen} is shorter than --min-listen {args.min_listen}"
    record = record_path(args)
    if record and (problem := output_problem("--record", record)):
        return problem
    return None if args.demo or args.no_keep else sessions_problem()


def sessions_problem() -> str | None:
    """The sessions folder every take is kept in must be there to write to (before any port opens)."""
    from ..paths import user_sessions_dir

    folder = user_sessions_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot keep takes in {folder} ({exc.strerror or exc}); set MUSIGAN_HOME or pass --no-keep"
    return None


def build_settings(args, preset):
    from ..live.settings import LiveSettings

    live = preset.config.live
    return LiveSettings(
        mode=args.mode or live.mode,
        channel_in=None if args.channel_in is None else args.channel_in - 1,
        channel_out=(args.channel_out or live.channel) - 1,
        bpm=args.bpm or live.bpm,
        answer_bars=live.answer_bars if args.answer_bars is None else args.answer_bars,
        phrase_gap_beats=args.phrase_gap, voices=args.voices, comping=args.comping,
        bass_channel=None if args.bass_channel is None else args.bass_channel - 1, key_pull=args.key_pull, velocity=args.velocity,
        metronome=args.metronome,
        click_channel=args.click_channel - 1, click_note=args.click_note, count_in_bars=args.count_in,
        voice_channels=tuple(c - 1 for c in args.voice_channels or ()),
        min_listen_bars=args.min_listen, max_listen_bars=args.max_listen, loop_bars=args.loop_bars,
        state_cc=args.state_cc, glide_beats=args.glide, controls=control_mapping(args))


def make_companion(preset, args, seed=None):
    from ..live.companions import companion_for

    companion = companion_for(preset, temperature=args.temperature, top_p=args.top_p, seed=seed,
                              pitch_range=(args.low, args.high), memory=args.memory)
    if args.metre:
        try:
            companion.set_metre(args.metre)
        except ValueError as exc:
            raise ValueError(f"--metre {args.metre}: {exc}") from None
    return companion


def record_path(args) -> str | None:
    """Where the session is recorded: --record, or musigan-demo.mid for the demo."""
    return args.record or ("musigan-demo.mid" if args.demo else None)


def run(args) -> int:
    from ..live.engine import PARTS
    from ..models.presets import PresetError, get_preset

    started = time.perf_counter()
    problem = check_flags(args)
    if problem:
        return fail("play", problem)
    if args.learn:
        return learn_controls(args)
    try:
        preset = get_preset(args.preset, args.config)
        companion = make_companion(preset, args, args.seed)
        settings = build_settings(args, preset)
        if refusal := PARTS[settings.mode].refusal(companion):
            raise ValueError(f"--mode {settings.mode}: {refusal}")
    except (PresetError, ValueError) as exc:  # a bad control mapping (ControlError) is a ValueError
        return fail("play", exc)
    from ..live.session import Session

    keep = None
    if not (args.demo or args.no_keep):
        from ..live.takes import new_take_path

        keep = new_take_path(preset.name, settings.mode)
    session = Session(companion, settings, record_path(args), say=say, warn=warn,
                      load_companion=program_loader(args), keep=keep, view=view_server(args))
    if args.demo:
        from .demo import run_demo

        code = run_demo(session, args)
    else:
        code = play(session, args, started)
    if session.recorder:
        plot_recording(session.recorder, args.plot)
    return code


def play(session, args, started: float) -> int:
    from ..live.midi_api import default_api
    from ..live.ports import PortError
    from ..live.session import Connection
    from ..live.view_server import ViewError

    connection = Connection(args.api or default_api(), args.input, args.output, args.clock, args.clock_out,
                            args.duration)
    try:
        return session.run(connection, status=status_view(args), started=started).code
    except (PortError, ViewError) as exc:
        return fail("play", exc)


def warn(line: str) -> None:
    print(f"musigan play: {line}", file=sys.stderr)


def programs(args) -> list[str]:
    """The presets program changes 0, 1, 2 ... load: --programs, else the trained presets, sorted."""
    from ..models.presets import load_presets

    return args.programs.split(",") if args.programs else sorted(
        name for name, p in load_presets(args.config).items() if p.trained)


def program_loader(args):
    """Program change n loads the n-th of `programs`."""
    from ..models.presets import get_preset

    names = programs(args)
    return lambda n: make_companion(get_preset(names[n % len(names)], args.config), args)


def view_server(args):
    """The live view the flags ask for (None: no view); nothing is bound until the session starts."""
    if not (args.view or args.open or args.view_host or args.view_port != DEFAULT_PORT):
        return None
    from ..live.view_server import ViewServer

    return ViewServer(args.view_host or "127.0.0.1", args.view_port, tuple(programs(args)), args.open)


def is_address(host: str) -> bool:
    import ipaddress

    try:
        ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost"
    return True


def status_view(args):
    """One live line (preset, mode, tempo, notes in/out, latency) when attached to a terminal."""
    if not sys.stdout.isatty() or args.quiet:
        return None
    from rich.live import Live
    from rich.text import Text

    def view(engine, runner):
        def line():
            return Text(f"{engine.companion.name} | {engine.settings.mode} | {engine.where(engine.position)} | "
                        f"{getattr(runner.clock, 'bpm', 0):.0f} bpm | heard {engine.notes_in} played "
                        f"{engine.tracker.sent_on} | {runner.latency.summary()} | Ctrl-C to stop")

        return Live(get_renderable=line, refresh_per_second=4, transient=True)

    return view
