"""`musigan play`: open the ports, load the preset, answer the keyboard until Ctrl-C or SIGTERM.

Never imports TensorFlow or Keras: the preset runs on the NumPy stepper, so it is ready to answer
well under a second after start. Every exit path (Ctrl-C, SIGTERM, an exception, the end of a demo)
goes through `Engine.close()`, which releases every note and sends All Notes Off.
"""
from __future__ import annotations

import signal
import sys
import time

from ..models.presets import PresetError, get_preset, load_presets
from .companion import Companion
from .engine import Engine, LiveSettings
from .ports import PortError, default_api, open_input, open_output


# JACK hands sent messages over on its next process cycle: closing the port sooner would drop the
# final note-offs. 50 ms is many cycles at any usual period size.
DRAIN_SECONDS = 0.05


def build_settings(args, preset) -> LiveSettings:
    live = preset.config["live"]
    return LiveSettings(
        mode=args.mode or live["mode"],
        channel_in=None if args.channel_in in (None, 0) else args.channel_in - 1,
        channel_out=(args.channel_out or live["channel"]) - 1,
        bpm=args.bpm or live["bpm"],
        answer_bars=live["answer_bars"] if args.answer_bars is None else args.answer_bars,
        phrase_gap_beats=args.phrase_gap, voices=args.voices,
        cc_temperature=args.cc_temperature, cc_answer=args.cc_answer, cc_mode=args.cc_mode, cc_panic=args.cc_panic)


def make_companion(preset, args, seed=None) -> Companion:
    return Companion.from_preset(preset, temperature=args.temperature, top_p=args.top_p, seed=seed,
                                 pitch_range=(args.low, args.high))


def run(args) -> int:
    started = time.perf_counter()
    try:
        preset = get_preset(args.preset, args.config)
        companion = make_companion(preset, args, args.seed)
        settings = build_settings(args, preset)
        if settings.mode == "harmonize" and not companion.can_harmonize:
            raise ValueError(f"harmonize needs a frames preset (like bach-harmony); {preset.name} cannot")
    except (PresetError, ValueError) as exc:
        print(f"musigan play: {exc}", file=sys.stderr)
        return 2
    record = args.record or ("musigan-demo.mid" if args.demo else None)
    recorder = None
    if record:
        from .recorder import Recorder

        recorder = Recorder(record, companion.steps_per_quarter, settings.bpm, f"musigan {preset.name}")
    if args.demo:
        from .demo_session import run_demo

        return run_demo(companion, settings, args, recorder)
    return play(companion, settings, args, recorder, started)


def say(line: str) -> None:
    print(line, flush=True)


def play(companion: Companion, settings: LiveSettings, args, recorder, started: float) -> int:
    from .clock import InternalClock, MidiClock
    from .runner import Runner

    api = args.api or default_api()
    try:
        midi_out, out_name = open_output(api, args.output)
        midi_in, in_name = open_input(api, args.input)
    except PortError as exc:
        print(f"musigan play: {exc}", file=sys.stderr)
        return 2
    engine = Engine(companion, lambda message: midi_out.send_message(message.bytes()), settings, recorder, say)
    spq = engine.companion.steps_per_quarter
    clock = MidiClock(spq) if args.clock == "midi" else InternalClock(engine.settings.bpm, spq, time.perf_counter())
    presets = sorted(name for name, p in load_presets(args.config).items() if p.trained)
    programs = args.programs.split(",") if args.programs else presets
    runner = Runner(engine, clock, midi_in,
                    load_companion=lambda n: make_companion(get_preset(programs[n % len(programs)], args.config), args))
    signal.signal(signal.SIGTERM, lambda *_: runner.stop())
    print(f"ready in {time.perf_counter() - started:.2f}s: {engine.companion.name} in {engine.settings.mode} mode, "
          f"listening on {in_name}, playing on {out_name} ({api}, clock {args.clock})", flush=True)
    try:
        with status_view(engine, runner, args):
            runner.run(args.duration)
    except KeyboardInterrupt:
        pass
    finally:
        released = engine.close()
        time.sleep(DRAIN_SECONDS)
        midi_in.close_port()
        midi_out.close_port()
        print(f"stopped: {released} note(s) released, {engine.notes_in} heard, {engine.tracker.sent_on} played; "
              f"{runner.latency.summary()}", flush=True)
        if recorder:
            print(f"recorded {recorder.save()}", flush=True)
    return 0


def status_view(engine: Engine, runner, args):
    """One live line (preset, mode, tempo, notes in/out, latency) when attached to a terminal."""
    import contextlib

    if not sys.stdout.isatty() or args.quiet:
        return contextlib.nullcontext()
    from rich.live import Live
    from rich.text import Text

    def line():
        return Text(f"{engine.companion.name} | {engine.settings.mode} | {getattr(runner.clock, 'bpm', 0):.0f} bpm | "
                    f"in {engine.notes_in} out {engine.tracker.sent_on} | {runner.latency.summary()} | Ctrl-C to stop")

    return Live(get_renderable=line, refresh_per_second=4, transient=True)
