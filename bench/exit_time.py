"""How fast does `musigan play` leave, whatever came before? Over real JACK ports.

    python bench/exit_time.py [--rounds 100] [--preset bach-chorales-gru] [--mode respond]

Each round starts `musigan play --api jack --mode respond` (or `--mode accompany --preset
folk-chords`: the chords begin on the beat after the first note; a fresh process, as a player does), a
listener stays connected to its output the whole round (as a DAW would), and a player client
connects, plays a four-note phrase, waits for the answer to begin and leaves while it sounds. Then
the round ends the session with Ctrl-C (SIGINT), SIGTERM or SIGHUP in turn and times the exit: from
the signal to the process gone. Goal: every exit under 1 s, and nothing left sounding on the
listener's side. The baseline, from the same run: how long a bare rtmidi client takes to close its
ports on the same server.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time

import numpy as np
import rtmidi
from live_latency import JACK, open_named, start_client

from musigan.live.jack_harness import Peer, dummy_jack_server, held

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def silent(received) -> bool:
    """Nothing left sounding, and All Notes Off (CC 123) heard."""
    return not held(received) and any(d[0] & 0xF0 == 0xB0 and d[1] == 123 for _, d in received)


def one_round(index: int, preset: str, mode: str, record: str) -> tuple[float, str, bool]:
    command = [sys.executable, "-m", "musigan.cli", "play", "--api", "jack", "--input", "virtual", "--quiet",
               "--mode", mode, "--preset", preset, "--bpm", "240", "--answer-bars", "2", "--seed", str(index),
               "--record", record]
    process, lines, _ = start_client(command)
    listener = Peer(f"exit-listener-{index}")  # stays, as a DAW does
    listener.connect()
    player = rtmidi.MidiOut(JACK, name=f"exit-player-{index}")
    open_named(player, ":musigan in")
    time.sleep(0.2)  # JACK connects asynchronously
    for pitch in (67, 69, 71, 72):
        player.send_message([0x90, pitch, 90])
        time.sleep(0.1)
        player.send_message([0x80, pitch, 0])
    listener.wait_for(held, timeout=10)
    player.close_port()  # the player leaves while the answer sounds
    player.delete()
    time.sleep(0.05 * (index % 5))  # the signal lands at different moments of the answer
    ending = SIGNALS[index % len(SIGNALS)]
    sent = time.perf_counter()
    process.send_signal(ending)
    try:
        process.wait(timeout=30)
    except Exception:  # noqa: BLE001 - a hung exit is the finding; report it and go on
        process.kill()
        process.wait()
    seconds = time.perf_counter() - sent
    clean = listener.wait_for(silent, timeout=2) and process.returncode == 0  # the listener may lag a cycle
    listener.close()
    if not clean:
        print(f"  round {index}: exit {process.returncode}, left sounding {sorted(held(listener.received))}; "
              + " | ".join(line.strip() for line in lines[-4:]), flush=True)
    return seconds, signal.Signals(ending).name, clean


def bare_close(rounds: int) -> list[float]:
    """A plain rtmidi client opening and closing a virtual port: what JACK alone costs."""
    times = []
    for index in range(rounds):
        port = rtmidi.MidiOut(JACK, name=f"bare-{index}")
        port.open_virtual_port("bare")
        started = time.perf_counter()
        port.close_port()
        port.delete()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=100)
    parser.add_argument("--preset", default="bach-chorales-gru")
    parser.add_argument("--mode", default="respond")
    args = parser.parse_args()
    with dummy_jack_server(f"musigan-exit-{os.getpid()}"), tempfile.TemporaryDirectory() as folder:
        results = []
        for index in range(args.rounds):
            results.append(one_round(index, args.preset, args.mode, os.path.join(folder, f"take-{index}.mid")))
            if (index + 1) % 10 == 0:
                print(f"{index + 1}/{args.rounds} rounds, slowest exit so far "
                      f"{max(s for s, _, _ in results) * 1e3:.0f} ms", flush=True)
        baseline = np.array(bare_close(args.rounds)) * 1e3
    seconds = np.array([s for s, _, _ in results]) * 1e3
    print(f"bare rtmidi client closing its port (baseline): p50 {np.median(baseline):.0f} ms, "
          f"max {baseline.max():.0f} ms")
    for name in dict.fromkeys(n for _, n, _ in results):
        these = np.array([s for s, n, _ in results if n == name]) * 1e3
        print(f"musigan play exit after {name:7s}: p50 {np.median(these):.0f} ms, max {these.max():.0f} ms, "
              f"n={len(these)}")
    print(f"all {len(results)} rounds: slowest exit {seconds.max():.0f} ms (goal < 1000 ms), "
          f"{sum(s > 1000 for s in seconds)} over 1 s, {sum(not c for _, _, c in results)} left a note sounding "
          f"or exited non-zero")


if __name__ == "__main__":
    main()
