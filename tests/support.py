"""Strategies and helpers the test suites share (pytest puts tests/ on the path: `from support import ...`)."""
import functools
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import strategies as st
from musigan.models.notes import NoteSequence, notes_array
from musigan.models.score_file import read_score
from musigan.train.corpus import split_of

ROOT = Path(__file__).resolve().parents[1]  # the checkout: README.md, presets/, data/


@st.composite
def note_sequences(draw, max_notes=40, low=21, high=108, max_step=64, voices=4):
    rows = draw(st.lists(st.tuples(st.integers(low, high), st.integers(0, max_step), st.integers(1, 16),
                                   st.integers(1, 127), st.integers(0, voices - 1)), max_size=max_notes))
    return NoteSequence(notes_array((p, s, s + d, v, voice) for p, s, d, v, voice in rows), steps_per_quarter=4)


def start_jack_play(*args, env=None, timeout: float = 60):
    """`musigan play` on JACK with a virtual input, as a subprocess whose output lines are collected as
    they come; returns (process, lines) once it says it is ready, fails the test if it exits first."""
    process = subprocess.Popen([sys.executable, "-m", "musigan.cli", "play", "--api", "jack", "--input", "virtual",
                                "--quiet", *map(str, args)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines = []
    threading.Thread(target=lambda: lines.extend(iter(process.stdout.readline, "")), daemon=True).start()
    deadline = time.time() + timeout
    while time.time() < deadline and not any(line.startswith("ready in") for line in lines):
        if process.poll() is not None:
            pytest.fail("musigan play exited: " + "".join(lines))
        time.sleep(0.02)
    assert any(line.startswith("ready in") for line in lines), "".join(lines)
    return process, lines


DEADLINE = 60  # seconds a wait for an event may take on a busy machine


def view_address(lines) -> str:
    """The view's address once `musigan play --view` has printed it (`lines`: its output so far)."""
    deadline = time.time() + DEADLINE
    while time.time() < deadline:
        found = [line.split()[1] for line in lines if line.startswith("view: http")]
        if found:
            return found[0]
        time.sleep(0.05)
    pytest.fail("no view address printed: " + "".join(lines))


def port_of(address: str) -> int:
    return int(re.search(r":(\d+)/", address).group(1))


def run_musigan(*args, timeout=300, **kwargs):
    """Run the installed command as a user would, in a fresh interpreter."""
    return subprocess.run([sys.executable, "-m", "musigan.cli", *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, **kwargs)


# `.ci/run` sets this: there, where jackd is installed for them, a real-port test that skips is a failure.
REQUIRE_JACK = os.environ.get("MUSIGAN_REQUIRE_JACK") == "1"


def need_jackd() -> None:
    """Skip (with the reason in the summary) where jackd is missing; fail instead under CI."""
    if shutil.which("jackd") is None:
        reason = "jackd is not installed (`apt-get install jackd2`): the real-port tests need a JACK server"
        if REQUIRE_JACK:
            pytest.fail(reason)
        pytest.skip(reason)


@functools.cache
def held_out_tunes(count: int = 4) -> tuple[NoteSequence, ...]:
    """O'Neill tunes of folk-chords' test split (the split is by name), in 4/4 or 6/8, on its grid."""
    import music21

    tunes = [t for t in read_score(Path(music21.__file__).parent / "corpus/oneills1850/0101-0200.abc", 2)
             if split_of(t.name) == "test" and t.time_signature in ((4, 4), (6, 8))]
    assert len(tunes) >= count
    return tuple(tunes[:count])
