"""Run the demo through the real engine: over real ports when the MIDI system allows, else on
in-memory ports with a simulated clock (a container or CI box has no ALSA sequencer)."""
from __future__ import annotations

import threading
import time

import rtmidi

from .demo import demo_events
from .engine import Engine
from .play_command import DRAIN_SECONDS, say
from .ports import API_NAMES, VIRTUAL_INPUT, PortError, default_api, open_input, open_output
from .simulation import MemoryOutput, SimulatedClock, drive


def run_demo(companion, settings, args, recorder) -> int:
    events, total = demo_events(settings.mode, companion.steps_per_quarter, settings.answer_bars)
    say(f"demo: {companion.name} in {settings.mode} mode, feeding the soprano of a Bach chorale "
        f"({sum(1 for _, m in events if m.type == 'note_on')} notes)")
    api = args.api or default_api()
    try:
        midi_out, out_name = open_output(api, args.output)
        midi_in, _ = open_input(api, "virtual")
    except PortError as exc:
        say(f"no MIDI ports here ({exc}); running on in-memory ports with a simulated clock")
        clock = SimulatedClock()
        output = MemoryOutput(clock)
        engine = Engine(companion, output.send, settings, recorder, say)
        try:
            drive(engine, clock, events, total)
        finally:
            engine.close()
        played = engine.tracker.sent_on
    else:
        played = over_ports(companion, settings, args, recorder, events, total, api, midi_in, midi_out, out_name)
    say(f"demo done: heard {sum(1 for _, m in events if m.type == 'note_on')} notes, played {played}")
    if recorder:
        say(f"recorded {recorder.save()} (player and musigan on separate tracks)")
    return 0


def over_ports(companion, settings, args, recorder, events, total, api, midi_in, midi_out, out_name) -> int:
    """Real time: a second MIDI client plays the phrase into musigan's virtual input."""
    from .clock import InternalClock
    from .runner import Runner

    engine = Engine(companion, lambda m: midi_out.send_message(m.bytes()), settings, recorder, say)
    clock = InternalClock(settings.bpm, companion.steps_per_quarter, time.perf_counter())
    runner = Runner(engine, clock, midi_in)
    player = rtmidi.MidiOut(API_NAMES[api], name="musigan demo player")
    ports = player.get_ports()
    player.open_port(next(i for i, p in enumerate(ports) if VIRTUAL_INPUT in p))
    say(f"playing on {out_name}: connect it to a synth or DAW to hear the answers")

    def feed():
        for position, message in events:
            delay = clock.next_step_time(0) + position * clock.step_seconds - time.perf_counter()
            if runner.stop_event.wait(max(0.0, delay)):
                return
            player.send_message(message.bytes())

    threading.Thread(target=feed, daemon=True).start()
    try:
        runner.run(duration=total * clock.step_seconds + 0.2)
    finally:
        engine.close()
        time.sleep(DRAIN_SECONDS)
        for port in (player, midi_in, midi_out):
            port.close_port()
    return engine.tracker.sent_on
