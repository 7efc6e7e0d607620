"""What the live view costs a note: musigan's answer latency over real JACK ports with a real headless
Chromium showing the view and drawing (at its own frame rate), against the same session with no page
open, in one run, interleaved.

    python bench/view_latency.py [--notes 400] [--rounds 2] [--preset bach-harmony]

One `musigan play --mode harmonize --view` session serves throughout. Each round times NOTES notes
(note-on in, first voice out, as `bench/live_latency.py` does) with no page open, then NOTES with
Chromium drawing the view (halfway through, the page reloads: a page that reconnects), then NOTES
with Chromium drawing another page as busily, which talks to no one: what the browser itself costs
on this machine, apart from the view. After the last round Chromium is killed without a word (a
page that vanishes) and one more pass runs. Goal: the view adds at most 0.1 ms at p99, and no note
goes unanswered.
"""
from __future__ import annotations

import argparse
import os
import re
import signal
import sys

import numpy as np

from live_latency import connect, round_trips, start_client, stats
from musigan.live.browser_harness import HeadlessChromium
from musigan.live.jack_harness import dummy_jack_server, realtime_allowed

# a page that draws as much as the view does, 60 times a second, and talks to no one
BUSY_PAGE = ("<canvas id=c width=1280 height=440></canvas><script>const x = c.getContext('2d');"
             "(function draw() { requestAnimationFrame(draw); x.fillStyle = '#101216'; x.fillRect(0, 0, 1280, 440);"
             "for (let i = 0; i < 200; i++) { x.fillStyle = ['#5fb3f9', '#f2b134'][i % 2];"
             "x.fillRect((i * 37 + performance.now() / 10) % 1280, (i * 53) % 440, 40, 8); } })()</script>")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--notes", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--preset", default="bach-harmony")
    args = parser.parse_args()
    realtime = realtime_allowed()
    print(f"JACK dummy driver, {'real-time' if realtime else 'ordinary'} threads; {os.cpu_count()} cores; "
          f"preset {args.preset}; {args.notes} notes a pass", flush=True)
    with dummy_jack_server(f"musigan-view-bench-{os.getpid()}", realtime=realtime):
        process, lines, _ = start_client([sys.executable, "-m", "musigan.cli", "play", "--api", "jack", "--input",
                                          "virtual", "--quiet", "--mode", "harmonize", "--preset", args.preset,
                                          "--seed", "0", "--no-keep", "--view", "--view-port", "0"])
        address = next(line.split()[1] for line in lines if line.startswith("view: http"))
        sender, listener = connect("bench-player", "bench-ear")
        passes: dict[str, list] = {"no page open": [], "Chromium drawing the view": [],
                                   "Chromium drawing another page": []}
        missed = {name: 0 for name in passes}
        browser = None
        for round_ in range(args.rounds):
            times, lost = round_trips(sender, listener, args.notes, pitches=(72, 84))
            passes["no page open"] += times
            missed["no page open"] += lost
            browser = HeadlessChromium()
            browser.open(address)
            browser.wait_for("window.musiganView.connected")
            for half in range(2):
                times, lost = round_trips(sender, listener, args.notes // 2, pitches=(72, 84))
                passes["Chromium drawing the view"] += times
                missed["Chromium drawing the view"] += lost
                if half == 0:
                    browser.call("Page.reload")
                    browser.wait_for("window.musiganView && window.musiganView.connected")
            frames = browser.evaluate("window.musiganView.frames")
            drawn = browser.evaluate("window.musiganView.companionNotes")
            if round_ < args.rounds - 1:
                browser.close()
            with HeadlessChromium() as other:  # the browser's own cost: as busy, but not with the view
                other.open(f"data:text/html,{BUSY_PAGE}")
                times, lost = round_trips(sender, listener, args.notes, pitches=(72, 84))
                passes["Chromium drawing another page"] += times
                missed["Chromium drawing another page"] += lost
        os.kill(browser.process.pid, signal.SIGKILL)  # the page vanishes without closing anything
        browser.close()
        times, lost = round_trips(sender, listener, args.notes, pitches=(72, 84))
        passes["after the page vanished"], missed["after the page vanished"] = times, lost
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
        heard = int(re.search(r"(\d+) heard", "".join(lines)).group(1))
    for name, times in passes.items():
        print(f"{name:28} {stats(times)}  n={len(times)} unanswered={missed[name]}")
    p99 = {name: np.percentile(times, 99) * 1e3 for name, times in passes.items()}
    print(f"Chromium with the view adds at p99: {p99['Chromium drawing the view'] - p99['no page open']:.3f} ms "
          f"(goal <= 0.1); Chromium with another page adds "
          f"{p99['Chromium drawing another page'] - p99['no page open']:.3f} ms; the view itself (view against another "
          f"page) {p99['Chromium drawing the view'] - p99['Chromium drawing another page']:.3f} ms")
    print(f"the last page drew {frames} frames and "
          f"{drawn} of musigan's notes; musigan heard {heard} of {sum(len(t) + missed[n] for n, t in passes.items())} notes")


if __name__ == "__main__":
    main()
