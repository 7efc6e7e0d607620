"""A private JACK server on the dummy driver: real MIDI ports with no sound hardware (tests, bench)."""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from pathlib import Path


@contextlib.contextmanager
def dummy_jack_server(name: str):
    """Start `jackd -n NAME -d dummy`, point this process (and its children) at it, stop it after."""
    if shutil.which("jackd") is None:
        raise RuntimeError("jackd is not installed: `apt-get install jackd2`")
    clear_stale_jack_state()
    os.environ.update(JACK_NO_AUDIO_RESERVATION="1", JACK_DEFAULT_SERVER=name)
    server = subprocess.Popen(["jackd", "-n", name, "--no-realtime", "-d", "dummy", "-r", "48000", "-p", "64"],
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
