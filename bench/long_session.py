"""A long session at a player's pace, with the controls moving: does musigan stay the same?

    python bench/long_session.py [--minutes 30] [--preset bach-harmony]

`musigan play --api jack --mode harmonize` runs for MINUTES over real JACK ports. A player client
plays a note about every 0.3 s (a random walk over two octaves, held for 0.1..0.5 s), and every few
seconds turns a knob: temperature, density, tempo, or flips the mode between harmonize and respond.
Each minute the bench reports the companion's latency (note-on in -> first voice out, for notes
played in harmonize mode), how many notes got no answer, and musigan's resident memory
(VmRSS). At the end: notes left sounding after the last note-off, and the exit. Baseline, from the
same run: the first minute. Goals: memory within 10% of the first minute's, the last minute's p99
within 0.5 ms of the first's, nothing dropped or stuck.
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import sys
import time
from pathlib import Path

import numpy as np
from live_latency import start_client

from musigan.live.jack_harness import Peer, dummy_jack_server, held, realtime_allowed

CONTROLS = {16: "temperature", 25: "density", 24: "tempo"}
MODE_CC, MODES = 18, (16, 48)  # the mode knob by quarters: 16 is respond, 48 harmonize


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def answered_after(peer: Peer, since: float, pitch: int, timeout: float = 0.25) -> float | None:
    """Seconds from `since` to the first note-on other than `pitch` that arrived after it."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        for t, data in reversed(peer.received):
            if t < since:
                break
            if data[0] & 0xF0 == 0x90 and data[2] > 0 and data[1] != pitch:
                return t - since
        time.sleep(0.0005)
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--preset", default="bach-harmony")
    parser.add_argument("--report-seconds", type=float, default=60.0, help="one row per this many seconds")
    args = parser.parse_args()
    rng = random.Random(0)
    with dummy_jack_server(f"musigan-long-{os.getpid()}", realtime=realtime_allowed()):
        process, lines, _ = start_client([sys.executable, "-m", "musigan.cli", "play", "--api", "jack",
                                          "--input", "virtual", "--quiet", "--mode", "harmonize",
                                          "--preset", args.preset, "--seed", "0"])
        peer = Peer("long-player")
        peer.connect()
        started, minute, pitch, harmonizing = time.perf_counter(), 0, 72, True
        per_minute: list[tuple[list[float], int, float]] = []
        latencies, missed, next_knob = [], 0, started + 5
        print(f"{'period':>6} {'notes':>6} {'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'no answer':>9} {'RSS MB':>7}",
              flush=True)
        while time.perf_counter() - started < args.minutes * 60:
            pitch = min(84, max(64, pitch + rng.choice([-4, -2, -1, 1, 2, 4])))
            sent = time.perf_counter()
            peer.send(0x90, pitch, rng.randint(60, 110))
            if harmonizing:
                answer = answered_after(peer, sent, pitch)
                if answer is None:
                    missed += 1
                else:
                    latencies.append(answer)
            time.sleep(max(0.0, rng.uniform(0.1, 0.5) - (time.perf_counter() - sent)))
            peer.send(0x80, pitch, 0)
            time.sleep(rng.uniform(0.0, 0.2))
            now = time.perf_counter()
            if now > next_knob:
                cc = rng.choice([*CONTROLS, MODE_CC])
                value = rng.choice(MODES) if cc == MODE_CC else rng.randint(0, 127)
                harmonizing = value == 64 if cc == MODE_CC else harmonizing
                peer.send(0xB0, cc, value)
                next_knob = now + rng.uniform(3, 8)
            if now - started >= args.report_seconds * (minute + 1):
                minute += 1
                ms = np.asarray(latencies) * 1e3
                per_minute.append((latencies, missed, rss_mb(process.pid)))
                print(f"{minute:6d} {len(ms):6d} {np.percentile(ms, 50) if len(ms) else 0:7.3f} "
                      f"{np.percentile(ms, 99) if len(ms) else 0:7.3f} {ms.max() if len(ms) else 0:7.3f} "
                      f"{missed:9d} {per_minute[-1][2]:7.1f}", flush=True)
                latencies, missed = [], 0
        peer.send(0xB0, MODE_CC, 64)  # back to harmonize: an answer still playing is released
        time.sleep(1.0)
        stuck = held(peer.received)
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        peer.close()
    played = [m for m in per_minute if m[0]]  # a period spent wholly in respond mode has no harmonize notes
    first, last = played[0], played[-1]
    p99 = [np.percentile(np.asarray(m[0]) * 1e3, 99) for m in (first, last)]
    print(f"memory: first period {first[2]:.1f} MB, last {last[2]:.1f} MB ({(last[2] / first[2] - 1):+.1%}; "
          "goal within 10%)")
    print(f"p99: first period {p99[0]:.3f} ms, last {p99[1]:.3f} ms ({p99[1] - p99[0]:+.3f} ms; goal within 0.5 ms)")
    print(f"no answer: {sum(m[1] for m in per_minute)} notes in {len(per_minute)} periods of "
          f"{args.report_seconds:g} s; left sounding after the last note-off: {sorted(stuck) or 'none'}; exit {code}")


if __name__ == "__main__":
    main()
