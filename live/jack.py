"""A private JACK server on the dummy driver: real MIDI ports with no sound hardware (tests, bench)."""
from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import time
from pathlib import Path


def realtime_allowed() -> bool:
    """Whether this process may schedule threads in real time (root, or the rtprio limit that the
    `audio` group usually grants): then a JACK server and its clients run as musicians run them."""
    return os.geteuid() == 0 or resource.getrlimit(resource.RLIMIT_RTPRIO)[0] > 0


@contextlib.contextmanager
def dummy_jack_server(name: str, realtime: bool = False):
    """Start `jackd -n NAME -d dummy`, point this process (and its children) at it, stop it after.
    `realtime`: JACK's own default, its process threads (and every client's) scheduled in real time;
    off, as the tests run it, they are ordinary threads that a busy process can keep waiting."""
    if shutil.which("jackd") is None:
        raise RuntimeError("jackd is not installed: `apt-get install jackd2`")
    clear_stale_jack_state()
    os.environ.update(JACK_NO_AUDIO_RESERVATION="1", JACK_DEFAULT_SERVER=name)
    server = subprocess.Popen(["jackd", "-n", name, "--realtime" if realtime else "--no-realtime",
                               "-d", "dummy", "-r", "48000", "-p", "64"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ready = subprocess.run(["jack_wait", "-w", "-t", "10"], capture_output=True, text=True, timeout=15)
        if ready.returncode != 0:
            raise RuntimeError(f"JACK server {name} did not start: {ready.stdout} {ready.stderr}")
        time.sleep(0.2)
        yield name
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a server stuck in its shutdown must not outlive the run
            server.kill()
            server.wait(timeout=10)


def clear_stale_jack_state() -> None:
    """jackd keeps a registry of servers and their semaphores in /dev/shm; a server that was killed
    leaves its entry behind, and after a handful of them no server starts ("Too many servers already
    active"). With no jackd running, everything there is stale: clear it."""
    if any(jackd_running(process) for process in Path("/proc").iterdir() if process.name.isdigit()):
        return
    for path in Path("/dev/shm").glob("jack*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def jackd_running(process: Path) -> bool:
    try:
        return (process / "comm").read_text().strip() == "jackd"
    except OSError:  # the process ended while we looked
        return False
