"""Hush C libraries that write to the process's stderr (fd 2) behind Python's back: TensorFlow's
start-up lines (absl, oneDNN) and ALSA's or libjack's complaints when a MIDI system is missing.
musigan says what matters itself, once, in its own words."""
from __future__ import annotations

import contextlib
import os
import sys


@contextlib.contextmanager
def c_stderr_quiet():
    """fd 2 goes to /dev/null inside the block; Python's own errors raised in it still print after."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
