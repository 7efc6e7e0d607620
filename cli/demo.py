"""`musigan play --demo`: a phrase from the bundled Bach chorales played into the companion, through
the real engine: over real ports when the MIDI system allows, else on in-memory ports with a
simulated clock (a container or CI box has no ALSA sequencer).

Harmonize gets a chorale's soprano line to harmonise; respond gets two two-bar phrases of it, each
answered; solo gets the companion playing while the melody comes in now and then.
"""
from __future__ import annotations

import threading
import time

from ..live.engine import Engine
from ..live.ports import (
    VIRTUAL_INPUT,
    PortError,
    default_api,
    new_client,
    open_input,
    open_output,
    port_names,
)
from ..live.simulation import MemoryOutput, SimulatedClock, drive
from ..models.files import save_or_fallback
from .args import say
from .plot import plot_recording


def run_demo(companion, settings, args, recorder) -> int:
    events, total = demo_events(settings.mode, companion.steps_per_quarter, settings.answer_bars)
    say(f"demo: {companion.name} in {settings.mode} mode, feeding the soprano of a Bach chorale "
        f"({sum(1 for _, m in events if m.type == 'note_on')} notes)")
    api = args.api or default_api()
    try:
        with open_input(api, "virtual") as source, open_output(api, args.output) as output:
            played = over_ports(companion, settings, recorder, events, total, api, output, source)
    except PortError as exc:
        say(f"no MIDI ports here ({exc}); running on in-memory ports with a simulated clock")
        clock = SimulatedClock()
        engine = Engine(companion, MemoryOutput(clock).send, settings, recorder, say)
        try:
            drive(engine, clock, events, total)
        finally:
            engine.close()
        played = engine.tracker.sent_on
    say(f"demo done: heard {sum(1 for _, m in events if m.type == 'note_on')} notes, played {played}")
    if recorder:
        saved = save_or_fallback(recorder.save, recorder.path, "the recording")
        say(f"recorded {saved} (player and musigan on separate tracks)")
        plot_recording(recorder, args.plot)
    return 0


def over_ports(companion, settings, recorder, events, total, api, output, source) -> int:
    """Real time: a second MIDI client plays the phrase into musigan's virtual input."""
    import rtmidi

    from ..live.clock import InternalClock
    from ..live.runner import Runner

    engine = Engine(companion, output.send, settings, recorder, say)
    clock = InternalClock(settings.bpm, companion.steps_per_quarter, time.perf_counter())
    runner = Runner(engine, clock, source)
    player = new_client(rtmidi.MidiOut, api, "musigan demo player")
    ports = port_names(player)
    player.open_port(next(i for i, p in enumerate(ports) if p.endswith(f":{VIRTUAL_INPUT}") or p == VIRTUAL_INPUT))
    say(f"playing on {output.description}: connect it to a synth or DAW to hear the answers")

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
        source.settle()
        player.close_port()
    return engine.tracker.sent_on


DEMO_CHORALE = "bwv26.6"  # a well-known four-part chorale shipped with music21


def soprano_line(steps_per_quarter: int):
    """(pitch, start, end) of the chorale's top voice on the companion's grid."""
    from music21 import corpus

    from ..models.notes import END, PITCH, START, VOICE
    from ..train.readers import read_file

    path = next(p for p in corpus.getComposer("bach") if p.name.startswith(DEMO_CHORALE + "."))
    piece = read_file(path, steps_per_quarter)[0]
    top = max(set(piece.notes[:, VOICE].tolist()), key=lambda v: piece.notes[piece.notes[:, VOICE] == v, PITCH].mean())
    notes = piece.notes[piece.notes[:, VOICE] == top]
    return [(int(n[PITCH]), int(n[START]), int(n[END])) for n in notes]


def demo_events(mode: str, steps_per_quarter: int, answer_bars: int) -> tuple[list, int]:
    """The player's (position, message) list for a mode, and how many steps the demo lasts."""
    import mido

    bar = 4 * steps_per_quarter
    melody = soprano_line(steps_per_quarter)
    if mode == "respond":
        phrase = [n for n in melody if n[1] < 2 * bar]
        second = [(p, s - 2 * bar, e - 2 * bar) for p, s, e in melody if 2 * bar <= s < 4 * bar]
        offset = 2 * bar + (answer_bars + 1) * bar + bar  # after the first answer has finished
        notes = phrase + [(p, s + offset, e + offset) for p, s, e in second]
        total = offset + 2 * bar + (answer_bars + 2) * bar
    else:
        notes = [n for n in melody if n[1] < 4 * bar]
        if mode == "solo":  # the player joins for bars 3-4 of the companion's solo
            notes = [(p, s + 2 * bar, e + 2 * bar) for p, s, e in notes if s < 2 * bar]
        total = 5 * bar
    events = []
    for pitch, start, end in notes:
        events.append((start + 0.05, mido.Message("note_on", note=pitch, velocity=90)))
        events.append((end - 0.1, mido.Message("note_off", note=pitch)))
    return events, total
