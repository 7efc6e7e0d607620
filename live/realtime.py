"""How the engine's thread is scheduled: real time where the system grants it, the MIDI system's own
threads above it, the garbage collector out of its way and other threads' interpreter-lock turns short.

A session calls these once its ports are open (`live/session.py`). The order of priorities matters:
the engine is real time so a busy machine cannot keep a note waiting, but the MIDI client threads
that carry its notes (libjack's process threads, started when the ports opened) must never wait
behind it. Under a JACK server that runs its threads as ordinary ones (`jackd --no-realtime`), those
client threads are ordinary too, and a real-time engine computing a chord kept them off the CPU past
their cycle: JACK then drops that cycle's events (`XRun: client = musigan was not finished`), and a
note went unanswered about once in 150. A real-time JACK server at its default priority (10) runs
its clients' threads at 5, below the engine too. Lifting them just above the engine closes that hole.
"""
from __future__ import annotations

import ctypes
import gc
import os
import sys
import threading

REALTIME_PRIORITY = 10   # above every ordinary process
MIDI_THREAD_PRIORITY = REALTIME_PRIORITY + 1  # the MIDI system's client threads, when it left them lower
SHORT_LOCK_TURN = 0.0005  # seconds another thread may hold the interpreter lock while a note waits
PR_SET_TIMERSLACK = 29


def native_threads() -> set[int]:
    """The ids of this process's threads, C threads included (Linux; elsewhere none)."""
    try:
        return {int(name) for name in os.listdir("/proc/self/task")}
    except OSError:
        return set()


def foreign_threads(before: set[int]) -> set[int]:
    """Threads started since `before` that Python did not start: the MIDI library's own."""
    python = {thread.native_id for thread in threading.enumerate()}
    return native_threads() - before - python


def realtime_scheduling(midi_threads: set[int] = frozenset()) -> str:
    """Run this thread (the engine's) in real time where the system grants it, as a DAW's audio and
    MIDI threads run, and lift the `midi_threads` still scheduled as ordinary ones just above it.
    Returns what was granted, in words, for the ready line."""
    try:
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    except (AttributeError, OSError) as exc:  # not Linux, or not granted (no rtprio limit, no audio group)
        reason = getattr(exc, "strerror", None) or "not on this system"
        return f"ordinary scheduling (real time not granted: {reason}; on Linux, join the audio group)"
    lifted = 0
    for thread in midi_threads:
        try:
            realtime = os.sched_getscheduler(thread) in (os.SCHED_FIFO, os.SCHED_RR)
            if not realtime or os.sched_getparam(thread).sched_priority < MIDI_THREAD_PRIORITY:
                os.sched_setscheduler(thread, os.SCHED_FIFO, os.sched_param(MIDI_THREAD_PRIORITY))
                lifted += 1
        except OSError:  # the thread ended meanwhile
            continue
    return f"real-time scheduling (FIFO {REALTIME_PRIORITY}" + (f", MIDI threads {MIDI_THREAD_PRIORITY})" if lifted else ")")


def tight_timer_slack() -> None:
    """Linux lets a sleep overrun by the thread's timer slack (50 us by default); 1 us keeps each poll
    on time. Elsewhere (or without libc's prctl) nothing changes."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL(None).prctl(PR_SET_TIMERSLACK, 1000, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def short_lock_turns() -> None:
    """Another Python thread (the sysex guard, a controller's callback) may hold the interpreter lock
    when a note is due; Python lets it run on for its switch interval (5 ms) before handing the lock
    over. A turn of 0.5 ms bounds that wait (measured: `python bench/tail_suspects.py`, suspect 4)."""
    sys.setswitchinterval(SHORT_LOCK_TURN)


def keep_collector_out() -> None:
    """Everything made at start-up (music21, NumPy, the preset) is frozen out of the garbage
    collector's sight: a full collection would otherwise walk that heap in the middle of a note.
    What the session makes is collected young and cheaply, as before."""
    gc.collect()
    gc.freeze()
