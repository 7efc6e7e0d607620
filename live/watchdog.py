"""Every way a live session can end leaves nothing sounding: an error on any thread stops it like
one on the engine's, and once every note is released a port that will not close cannot keep it."""
from __future__ import annotations

import faulthandler
import os
import sys
import threading

# The longest closing the ports may take once every note is released and the recording saved: the
# output's drain (ports.DRAIN_SECONDS) and a margin, so every way out takes well under a second.
CLOSE_SECONDS = 0.6


def exit_within(seconds: float, code: int):
    """Everything is released and saved by now; if closing the ports hangs (a MIDI server slow to
    unregister a client after peers came and went), leave anyway with the session's own exit status
    rather than keep the terminal."""

    def leave():
        print(f"musigan play: the MIDI ports did not close within {seconds:g} s; leaving without them",
              file=sys.stderr, flush=True)
        leave_now(code)

    timer = threading.Timer(seconds, leave)
    timer.daemon = True
    timer.start()
    return timer


def leave_now(code: int) -> None:
    """End the process at once, without closing anything: what is left (a MIDI client whose server
    died) could only hang the exit."""
    sys.stdout.flush()
    os._exit(code)


# The backstop for the whole shutdown (release, settle, save, close): a call into a MIDI library that
# blocks while holding the interpreter lock would keep `exit_within`'s Python timer from ever running.
SHUTDOWN_SECONDS = 3.0


def backstop(seconds: float = SHUTDOWN_SECONDS) -> None:
    """Arm a watchdog in C (faulthandler's thread needs no interpreter lock): if the session has not
    left `seconds` from now, it prints where each thread is (stderr) and exits with status 1."""
    faulthandler.dump_traceback_later(seconds, exit=True)


def disarm() -> None:
    faulthandler.cancel_dump_traceback_later()


def watch_threads(runner) -> list[str]:
    """An exception on any other thread stops the session like one on the engine's: the list it
    returns collects the first reason, and the runner stops (then everything is released)."""
    failures: list[str] = []

    def on_thread_error(hook):
        thread = hook.thread.name if hook.thread else "?"
        failures.append(f"internal error ({hook.exc_type.__name__} on thread {thread}: {hook.exc_value})")
        runner.stop()

    threading.excepthook = on_thread_error
    return failures
