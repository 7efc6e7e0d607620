"""Live latency over real JACK MIDI ports (dummy driver), musigan against the bare port round trip.

    python bench/live_latency.py [--notes 1000] [--flood-seconds 60] [--rate 2000] [--preset bach-harmony]
                                 [--no-realtime]

The JACK server runs its threads in real time (its own default, as musicians run it) where this
process may (root, or an rtprio limit); `--no-realtime` runs them as ordinary threads, which a busy
client process can keep waiting past a cycle: events are lost then, in the client's own process.

1. Bare round trip: the same two hops with no model: a plain echo client (its own process, whose
   rtmidi callback sends each note straight back) in place of musigan.
2. Companion: `musigan play --mode harmonize` as a subprocess; an rtmidi client sends a note-on to its
   input and times the first answering note-on on its output. Same clients, same server, same run.
3. Flood: RATE events/s (note-on/note-off pairs) for FLOOD seconds into musigan; events dropped
   (sent note-ons minus what musigan heard) and musigan's own arrival-to-answer latency under load.
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import threading
import time

import numpy as np
import rtmidi

from musigan.live.jack import dummy_jack_server, realtime_allowed

JACK = rtmidi.API_UNIX_JACK


def stats(seconds) -> str:
    ms = np.asarray(seconds) * 1e3
    return f"p50 {np.percentile(ms, 50):6.3f}  p99 {np.percentile(ms, 99):6.3f}  max {ms.max():6.3f} ms"


class Listener:
    def __init__(self, name: str):
        self.port = rtmidi.MidiIn(JACK, name=name)
        self.port.ignore_types(sysex=True, timing=True, active_sense=True)
        self.event = threading.Event()
        self.arrived = None
        self.note_ons = 0
        self.port.set_callback(self._callback)

    def _callback(self, event, _):
        data = event[0]
        if data[0] & 0xF0 == 0x90 and data[2] > 0:
            self.note_ons += 1
            if not self.event.is_set():
                self.arrived = time.perf_counter()
                self.event.set()

    def arm(self):
        self.event.clear()

    def wait(self, timeout=1.0):
        return self.arrived if self.event.wait(timeout) else None


def open_named(port, suffix: str):
    names = port.get_ports()
    port.open_port(next(i for i, name in enumerate(names) if name.endswith(suffix)))


def round_trips(sender, listener, count: int, pitches=(60, 84)) -> tuple[list[float], int]:
    times, missed = [], 0
    for i in range(count):
        pitch = pitches[0] + i % (pitches[1] - pitches[0])
        listener.arm()
        start = time.perf_counter()
        sender.send_message([0x90, pitch, 100])
        arrived = listener.wait()
        sender.send_message([0x80, pitch, 0])
        if arrived is None:
            missed += 1
        else:
            times.append(arrived - start)
        time.sleep(0.004)
    return times, missed


ECHO = """
import signal, threading, rtmidi
out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name="echo"); out.open_virtual_port("musigan")
inp = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name="echo in"); inp.open_virtual_port("musigan in")
inp.set_callback(lambda event, _: out.send_message(event[0]))
print("ready in 0", flush=True)
stop = threading.Event(); signal.signal(signal.SIGINT, lambda *_: stop.set()); stop.wait()
"""


def bare(count: int, flood_seconds: float, rate: int):
    """The baseline: the same round trips and flood through a plain echo client, no musigan."""
    process, _, _ = start_client([sys.executable, "-c", ECHO])
    sender, listener = connect("bench-sender", "bench-listener")
    times, missed = round_trips(sender, listener, count)
    listener.note_ons = 0
    sent = flood(sender, flood_seconds, rate)
    time.sleep(0.5)
    process.send_signal(2)
    process.wait(timeout=30)
    for port in (sender, listener.port):
        port.close_port()
    return times, missed, sent, listener.note_ons


def connect(sender_name: str, listener_name: str):
    sender, listener = rtmidi.MidiOut(JACK, name=sender_name), Listener(listener_name)
    open_named(sender, ":musigan in")
    open_named(listener.port, ":musigan")
    time.sleep(0.2)  # JACK connects asynchronously
    return sender, listener


def start_companion(preset: str):
    return start_client([sys.executable, "-m", "musigan.cli", "play", "--api", "jack", "--input", "virtual",
                         "--quiet", "--mode", "harmonize", "--preset", preset, "--seed", "0"])


def start_client(command):
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    started = time.perf_counter()
    lines = []
    threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True).start()
    while not any(line.startswith("ready in") for line in lines):
        if process.poll() is not None or time.perf_counter() - started > 60:
            raise RuntimeError("musigan play did not start: " + "".join(lines))
        time.sleep(0.005)
    return process, lines, time.perf_counter() - started


def flood(sender, seconds: float, rate: int) -> int:
    """Note-on/note-off pairs at `rate` events per second; returns note-ons sent."""
    interval, sent, start = 2.0 / rate, 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        # sleep, not spin: a spinning sender would hold the GIL that rtmidi's callbacks need
        time.sleep(max(0.0, start + sent * interval - time.perf_counter()))
        pitch = 60 + sent % 24
        sender.send_message([0x90, pitch, 90])
        sender.send_message([0x80, pitch, 0])
        sent += 1
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=int, default=2000, help="flood events per second")
    parser.add_argument("--preset", default="bach-harmony")
    parser.add_argument("--no-realtime", action="store_true",
                        help="run JACK's threads as ordinary ones even where real time is allowed")
    args = parser.parse_args()
    realtime = realtime_allowed() and not args.no_realtime
    with dummy_jack_server(f"musigan-bench-{os.getpid()}", realtime=realtime):
        bare_times, bare_missed, bare_sent, bare_heard = bare(args.notes, args.flood_seconds, args.rate)
        process, lines, ready = start_companion(args.preset)
        sender, listener = connect("bench-player", "bench-ear")
        # melody notes high enough that the harmonizer always has room for a voice below
        companion_times, companion_missed = round_trips(sender, listener, args.notes, pitches=(72, 84))
        process.send_signal(2)
        process.wait(timeout=30)
        heard_before = int(re.search(r"(\d+) heard", "".join(lines)).group(1))

        process, lines, _ = start_companion(args.preset)
        sender2, _ = connect("bench-flood", "bench-flood-ear")
        sent = flood(sender2, args.flood_seconds, args.rate)
        time.sleep(0.5)
        process.send_signal(2)
        process.wait(timeout=60)
        text = "".join(lines)
        heard = int(re.search(r"(\d+) heard", text).group(1))
        load_latency = re.search(r"latency (p50 [\d.]+ ms p99 [\d.]+ ms)", text).group(1)

    print(f"JACK dummy driver, 48 kHz, 64-frame periods, {'real-time' if realtime else 'ordinary (--no-realtime)'} "
          f"threads; {os.cpu_count()} cores; preset {args.preset}")
    print(f"bare echo round trip (baseline)      {stats(bare_times)}   n={len(bare_times)} lost={bare_missed}")
    print(f"musigan harmonize: note in -> voice  {stats(companion_times)}   n={len(companion_times)} "
          f"no voice sampled={companion_missed} (musigan heard {heard_before} of {args.notes})")
    added = np.percentile(companion_times, 99) - np.percentile(bare_times, 99)
    print(f"companion adds at p99: {added * 1e3:.3f} ms (goal <= 0.3 ms)")
    print(f"musigan play ready to answer {ready:.2f} s after launch (interpreter start included)")
    print(f"flood {args.rate} events/s for {args.flood_seconds:.0f} s, bare echo (baseline): {bare_sent} note-ons sent, "
          f"{bare_heard} echoed back, {bare_sent - bare_heard} dropped")
    print(f"flood {args.rate} events/s for {args.flood_seconds:.0f} s, musigan: {sent} note-ons sent, {heard} heard, "
          f"{sent - heard} dropped; arrival-to-answer latency under load: {load_latency}")


if __name__ == "__main__":
    main()
