"""When does respond mode answer? Over real JACK ports, as a player hears it.

    python bench/respond_timing.py [--trials 8] [--tempos 90,120] [--preset folk-lstm]

A private JACK server (dummy driver) and `musigan play --mode respond` as a subprocess; an rtmidi
client plays a four-note call (one note a beat, each let go a twentieth of a beat early, as players
do) and times the first answering note after its last note-off, in beats at the session's tempo.
Then the player who only pauses: two notes, a half-beat rest, two more notes; a cut-in is any
answer note that sounds inside the rest. The baseline is the goal itself: a partner answers on the
next beat (<= 1 beat after the last note-off) and never over a half-beat rest.
"""
from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np
import rtmidi
from live_latency import JACK, open_named, start_client

from musigan.live.jack_harness import dummy_jack_server


class Ear:
    """Every note-on musigan sends, with its arrival time."""

    def __init__(self):
        self.port = rtmidi.MidiIn(JACK, name="timing-ear")
        self.port.ignore_types(sysex=True, timing=True, active_sense=True)
        self.onsets: list[float] = []
        self.port.set_callback(lambda event, _: self.onsets.append(time.perf_counter())
                               if event[0][0] & 0xF0 == 0x90 and event[0][2] > 0 else None)

    def after(self, t: float) -> list[float]:
        return [x for x in self.onsets if x > t]


def play(sender, pitches, beat: float, rest_after: int | None = None, rest_beats: float = 0.5) -> tuple[float, float]:
    """Play one note a beat; returns (when the note before the rest ended, when the last ended)."""
    t = time.perf_counter()
    rest_start = None
    for index, pitch in enumerate(pitches):
        sender.send_message([0x90, pitch, 90])
        t += beat * 0.95
        time.sleep(max(0.0, t - time.perf_counter()))
        sender.send_message([0x80, pitch, 0])
        off = time.perf_counter()
        t += beat * 0.05
        if index == rest_after:
            rest_start = off
            t += beat * rest_beats
        time.sleep(max(0.0, t - time.perf_counter()))
    return rest_start, off


def session(preset: str, bpm: int, trials: int) -> tuple[list[float], int, int]:
    process, _, _ = start_client([sys.executable, "-m", "musigan.cli", "play", "--api", "jack", "--input", "virtual",
                                  "--quiet", "--mode", "respond", "--preset", preset, "--bpm", str(bpm),
                                  "--answer-bars", "1", "--seed", "0"])
    sender, ear = rtmidi.MidiOut(JACK, name="timing-player"), Ear()
    open_named(sender, ":musigan in")
    open_named(ear.port, ":musigan")
    time.sleep(0.3)
    beat = 60.0 / bpm
    gaps, cut_ins, answered_pauses = [], 0, 0
    try:
        for trial in range(trials):
            call = [60 + (trial % 5) * 2 + step for step in (0, 4, 7, 5)]
            _, last_off = play(sender, call, beat)
            time.sleep(7 * beat)  # the gap, then a one-bar answer, then quiet
            answer = ear.after(last_off)
            if answer:
                gaps.append((answer[0] - last_off) / beat)
            rest_start, last_off = play(sender, call, beat, rest_after=1)
            inside = [x for x in ear.after(rest_start) if x < rest_start + 0.5 * beat]
            cut_ins += bool(inside)
            time.sleep(7 * beat)
            answered_pauses += bool(ear.after(last_off))
    finally:
        process.send_signal(2)
        process.wait(timeout=30)
        for port in (sender, ear.port):
            port.close_port()
            port.delete()  # leave the server before it stops, or libjack complains
    return gaps, cut_ins, answered_pauses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=8)
    parser.add_argument("--tempos", default="90,120")
    parser.add_argument("--preset", default="folk-lstm")
    args = parser.parse_args()
    print(f"JACK dummy driver; {os.cpu_count()} cores; preset {args.preset}, default phrase gap (0.7 beat), 16th grid")
    print("goal (the baseline): first answer note <= 1 beat after the last note-off; no answer inside a half-beat rest")
    with dummy_jack_server(f"musigan-timing-{os.getpid()}"):
        for bpm in map(int, args.tempos.split(",")):
            gaps, cut_ins, answered = session(args.preset, bpm, args.trials)
            line = (f"{bpm} bpm: last note-off -> first answer note: median {np.median(gaps):.2f} beat, "
                    f"max {max(gaps):.2f} beat ({len(gaps)}/{args.trials} answered)" if gaps else f"{bpm} bpm: no answer")
            print(line + f"; cut in over a half-beat rest: {cut_ins}/{args.trials}; "
                  f"those calls answered after they ended: {answered}/{args.trials}", flush=True)


if __name__ == "__main__":
    main()
