"""The README's picture of the live view: `musigan play --demo --view` in respond mode over a private
JACK server, drawn by a real headless Chromium at the moment its answer is planned ahead of the
playhead.

    python bench/view_screenshot.py [docs/view.png] [--mode respond] [--seed 3]

Needs jackd and Chromium (`apt-get install jackd2 chromium`).
"""
from __future__ import annotations

import argparse
import os
import sys
import time

from live_latency import start_client
from musigan.live.browser_harness import HeadlessChromium
from musigan.live.jack_harness import dummy_jack_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?", default="docs/view.png")
    parser.add_argument("--mode", default="respond", choices=("respond", "harmonize", "solo"))
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    with dummy_jack_server(f"musigan-screenshot-{os.getpid()}"):
        process, lines, _ = start_client([sys.executable, "-m", "musigan.cli", "play", "--demo", "--api", "jack",
                                          "--view", "--view-port", "0", "--mode", args.mode, "--seed", str(args.seed),
                                          "--record", os.devnull])
        address = next(line.split()[1] for line in lines if line.startswith("view: http"))
        with HeadlessChromium() as browser:
            browser.open(address)
            ready = ("window.musiganView.plan.some(n => n.x0 > window.musiganView.playheadX + 150)"
                     if args.mode == "respond" else "window.musiganView.companionNotes > 12")
            browser.wait_for(ready)
            time.sleep(0.6)  # a few beats of the answer sound: played and planned side by side
            print(f"wrote {browser.screenshot(args.out)}")
        process.terminate()
        process.wait(60)


if __name__ == "__main__":
    main()
