"""Live latency over real JACK MIDI ports (dummy driver), musigan against the bare port round trip,
on an idle machine and then on a busy one (a CPU-bound process on every core, as a DAW keeps them).

    python bench/live_latency.py [--notes 1000] [--flood-seconds 60] [--rate 2000] [--preset bach-harmony]
                                 [--no-realtime] [--idle-only]

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
import contextlib
import multiprocessing
import os
import re
import subprocess
import sys
import threading
import time

import numpy as np
import rtmidi

from musigan.live.jack_harness import dummy_jack_server, realtime_allowed

JACK = rtmidi.API_UNIX_JACK


def stats(seconds) -> str:
    ms = np.asarray(seconds) * 1e3
    if not len(ms):
        return "no answers"
    p50, p99, p999 = np.percentile(ms, [50, 99, 99.9])
    return (f"p50 {p50:6.3f}  p99 {p99:6.3f}  p99.9 {p999:6.3f}  max {ms.max():7.3f} ms  "
            f"over 10 ms: {int((ms > 10).sum())}")


def spin(stop) -> None:
    while not stop.is_set():
        sum(range(10_000))


@contextlib.contextmanager
def busy_machine(processes: int):
    """`processes` CPU-bound processes (none for 0), for as long as the block runs."""
    stop = multiprocessing.Event()
    hogs = [multiprocessing.Process(target=spin, args=(stop,), daemon=True) for _ in range(processes)]
    for hog in hogs:
        hog.start()
    try:
        yield
    finally:
        stop.set()
        for hog in hogs:
            hog.join(timeout=5)


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


def measure(args, realtime: bool, name: str) -> dict:
    """One pass: the bare echo baseline, then the companion, then the flood, in one JACK server (a
    server of its own each pass: a client of the next pass once met the last one's remains)."""
    with dummy_jack_server(f"musigan-bench-{os.getpid()}-{name}", realtime=realtime):
        bare_times, bare_missed, bare_sent, bare_heard = bare(args.notes, args.flood_seconds, args.rate)
        process, lines, ready = start_companion(args.preset)
        sender, listener = connect("bench-player", "bench-ear")
        # melody notes high enough that the harmonizer always has room for a voice below
        companion_times, companion_missed = round_trips(sender, listener, args.notes, pitches=(72, 84))
        process.send_signal(2)
        process.wait(timeout=30)
        text = "".join(lines)
        heard_before = int(re.search(r"(\d+) heard", text).group(1))
        scheduling = re.search(r"; ((?:real-time|ordinary) scheduling[^)]*\)?)\)", text)

        process, lines, _ = start_companion(args.preset)
        sender2, _ = connect("bench-flood", "bench-flood-ear")
        sent = flood(sender2, args.flood_seconds, args.rate)
        time.sleep(0.5)
        process.send_signal(2)
        process.wait(timeout=60)
        text = "".join(lines)
    return {"bare": bare_times, "bare_missed": bare_missed, "bare_sent": bare_sent, "bare_heard": bare_heard,
            "companion": companion_times, "missed": companion_missed, "heard_before": heard_before,
            "ready": ready, "sent": sent, "heard": int(re.search(r"(\d+) heard", text).group(1)),
            "load_latency": re.search(r"latency (p50 [\d.]+ ms p99 [\d.]+ ms)", text).group(1),
            "scheduling": scheduling.group(1) if scheduling else "?"}


def report(name: str, r: dict, args) -> None:
    print(f"-- {name} --")
    print(f"bare echo round trip (baseline)      {stats(r['bare'])}   n={len(r['bare'])} lost={r['bare_missed']}")
    print(f"musigan harmonize: note in -> voice  {stats(r['companion'])}   n={len(r['companion'])} "
          f"no voice sampled={r['missed']} (musigan heard {r['heard_before']} of {args.notes}; {r['scheduling']})")
    print(f"musigan play ready to answer {r['ready']:.2f} s after launch (interpreter start included)")
    for label, q in (("p99", 99), ("max", 100)):
        added = np.percentile(r["companion"], q) - np.percentile(r["bare"], q)
        print(f"companion adds at {label}: {added * 1e3:.3f} ms")
    print(f"flood {args.rate} events/s for {args.flood_seconds:.0f} s, bare echo (baseline): {r['bare_sent']} "
          f"note-ons sent, {r['bare_heard']} echoed back, {r['bare_sent'] - r['bare_heard']} dropped")
    print(f"flood {args.rate} events/s for {args.flood_seconds:.0f} s, musigan: {r['sent']} note-ons sent, "
          f"{r['heard']} heard, {r['sent'] - r['heard']} dropped; arrival-to-answer latency under load: "
          f"{r['load_latency']}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=1000)
    parser.add_argument("--flood-seconds", type=float, default=60.0)
    parser.add_argument("--rate", type=int, default=2000, help="flood events per second")
    parser.add_argument("--preset", default="bach-harmony")
    parser.add_argument("--no-realtime", action="store_true",
                        help="run JACK's threads as ordinary ones even where real time is allowed")
    parser.add_argument("--idle-only", action="store_true", help="skip the busy-machine pass")
    args = parser.parse_args()
    realtime = realtime_allowed() and not args.no_realtime
    print(f"JACK dummy driver, 48 kHz, 64-frame periods, {'real-time' if realtime else 'ordinary (--no-realtime)'} "
          f"threads; {os.cpu_count()} cores; preset {args.preset}", flush=True)
    report("idle machine", measure(args, realtime, "idle"), args)
    if not args.idle_only:
        with busy_machine(os.cpu_count()):
            report(f"busy machine: {os.cpu_count()} CPU-bound processes beside it", measure(args, realtime, "busy"), args)


if __name__ == "__main__":
    main()
