"""`musigan play --demo`: a phrase from the bundled Bach chorales played into the companion, through
the real session: over real ports when the MIDI system allows, else on in-memory ports with a
simulated clock (a container or CI box has no ALSA sequencer).

Harmonize gets a chorale's soprano line to harmonise; respond gets two two-bar phrases of it, each
answered; solo gets the companion playing while the melody comes in now and then.
"""
from __future__ import annotations

import threading
import time

from ..live.midi_api import default_api, new_client, port_names
from ..live.ports import VIRTUAL_INPUT, PortError
from ..live.session import Connection
from ..live.view_server import ViewError
from .args import fail, say


VIEW_WAIT_SECONDS = 30


def run_demo(session, args) -> int:
    settings, spq = session.settings, session.companion.steps_per_quarter
    events, total = demo_events(settings.mode, spq, settings.answer_bars)
    notes = sum(1 for _, m in events if m.type == "note_on")
    say(f"demo: {session.companion.name} in {settings.mode} mode, feeding the soprano of a Bach chorale "
        f"({notes} notes)")
    seconds_per_step = 60 / settings.bpm / spq
    connection = Connection(args.api or default_api(), "virtual", args.output,
                            duration=total * seconds_per_step + 0.2)
    def on_ready(runner) -> None:
        if session.view is not None:  # begin when someone watches: the view shows the demo from its first note
            say(f"demo: begins when the view is open (at most {VIEW_WAIT_SECONDS} s): {session.view.address}")
            session.view.page_opened.wait(VIEW_WAIT_SECONDS)
            runner.clock.restart(time.perf_counter())
        start_player(runner, events, connection.api)

    try:
        end = session.run(connection, on_ready=on_ready)
    except ViewError as exc:
        return fail("play", exc)
    except PortError as exc:
        say(f"no MIDI ports here ({exc}); running on in-memory ports with a simulated clock"
            + ("; the view needs real ports and is not served" if session.view else ""))
        end = session.simulate(events, total)
    say(f"demo done: heard {notes} notes, played {end.played}")
    return end.code


def start_player(runner, events, api: str) -> None:
    """A second MIDI client plays the phrase into musigan's virtual input, in real time, on its grid."""
    import rtmidi

    player = new_client(rtmidi.MidiOut, api, "musigan demo player")
    ports = port_names(player)
    player.open_port(next(i for i, p in enumerate(ports) if p.endswith(f":{VIRTUAL_INPUT}") or p == VIRTUAL_INPUT))
    say("playing on musigan's output: connect it to a synth or DAW to hear the answers")
    clock = runner.clock

    def feed():
        try:
            for position, message in events:
                delay = clock.next_step_time(0) + position * clock.step_seconds - time.perf_counter()
                if runner.stop_event.wait(max(0.0, delay)):
                    return
                player.send_message(message.bytes())
        finally:
            player.close_port()

    threading.Thread(target=feed, name="musigan demo player", daemon=True).start()


DEMO_CHORALE = "bwv26.6"  # a well-known four-part chorale shipped with music21


def soprano_line(steps_per_quarter: int):
    """(pitch, start, end) of the chorale's top voice on the companion's grid."""
    from music21 import corpus

    from ..models.notes import END, PITCH, START, VOICE
    from ..models.score_file import read_score

    path = next(p for p in corpus.getComposer("bach") if p.name.startswith(DEMO_CHORALE + "."))
    piece = read_score(path, steps_per_quarter)[0]
    top = max(set(piece.notes[:, VOICE].tolist()), key=lambda v: piece.notes[piece.notes[:, VOICE] == v, PITCH].mean())
    notes = piece.notes[piece.notes[:, VOICE] == top]
    lead = int(notes[:, START].min())  # the pickup's padding: the demo starts with its first note
    return [(int(n[PITCH]), int(n[START]) - lead, int(n[END]) - lead) for n in notes]


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
