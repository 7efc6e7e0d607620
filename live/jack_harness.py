"""A private JACK server on the dummy driver: real MIDI ports with no sound hardware (tests, bench)."""
from __future__ import annotations

import contextlib
import os
import resource
import shutil
import subprocess
import threading
import time
from pathlib import Path

from .midi_api import port_names


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


_talked_to_jack = False  # this process has mapped JACK's registry: removing it now would cut it off


def clear_stale_jack_state() -> None:
    """jackd keeps a registry of servers and their semaphores in /dev/shm; a server that was killed
    leaves its entry behind, and after a handful of them no server starts ("Too many servers already
    active"). With no jackd running, everything there is stale: clear it, once per process (a
    process that has been a JACK client keeps the registry mapped, and would meet no later server)."""
    global _talked_to_jack
    if _talked_to_jack:
        return
    _talked_to_jack = True  # a server starts next, and this process becomes its client
    if any(jackd_running(p) for p in Path("/proc").iterdir() if p.name.isdigit()):
        return
    for path in Path("/dev/shm").glob("jack*"):
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)


def jackd_running(process: Path) -> bool:
    try:
        return (process / "comm").read_text().strip() == "jackd"
    except OSError:  # the process ended while we looked
        return False


class Peer:
    """An independent JACK MIDI client, as a DAW is to musigan: it plays into `musigan in` and hears
    `musigan`. It hears as musigan itself does, by draining rtmidi's queue from its own thread: a
    Python callback would run on JACK's process thread and wait there for the GIL, and JACK drops
    what a client that late should have read (the last note-offs of a session, a Continue)."""

    POLL_SECONDS = 0.001

    def __init__(self, name: str = "tester", clock: bool = False):
        import rtmidi

        self.name = name
        self.out = rtmidi.MidiOut(rtmidi.API_UNIX_JACK, name=name)
        self.inp = rtmidi.MidiIn(rtmidi.API_UNIX_JACK, name=name, queue_size_limit=8192)
        self.inp.ignore_types(sysex=True, timing=not clock, active_sense=True)
        self.received: list[tuple[float, list[int]]] = []   # (perf_counter time, bytes), as they arrived
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._listen, name=f"{name} listening", daemon=True)
        self.thread.start()

    def _listen(self) -> None:
        """Each message stamped when taken from the queue: within a poll period of its arrival."""
        while not self.stopped.wait(self.POLL_SECONDS):
            while (item := self.inp.get_message()) is not None:
                self.received.append((time.perf_counter(), item[0]))

    def connect(self, into: str = ":musigan in", hear: str = ":musigan", timeout: float = 20.0) -> None:
        """Connect to musigan's ports and wait until JACK has made both connections (it makes them
        asynchronously: on a busy machine a note sent a fixed while later can still be lost)."""
        targets = []
        for port, suffix in ((self.out, into), (self.inp, hear)):
            names = port_names(port)
            target = next(name for name in names if name.endswith(suffix))
            before = len(connections().get(target, []))
            port.open_port(names.index(target))
            targets.append((target, before))
        deadline = time.time() + timeout
        while not all(len(connections().get(t, [])) > n for t, n in targets):
            if time.time() > deadline:
                raise RuntimeError(f"JACK did not connect {self.name} to {[t for t, _ in targets]} "
                                   f"within {timeout:g} s")
            time.sleep(0.02)

    def send(self, *data) -> None:
        self.out.send_message(list(data))

    def wait_for(self, predicate, timeout: float = 5.0) -> bool:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if predicate(self.received):
                return True
            time.sleep(0.005)
        return predicate(self.received)

    def until(self, data, predicate, tries: int = 3, timeout: float = 2.0) -> bool:
        """Send `data` until `predicate(received)` holds: the JACK dummy transport itself loses about
        one message in 300 (a bare rtmidi pair measures the same), which a test must not read as ours."""
        return any(self.send(*data) or self.wait_for(predicate, timeout) for _ in range(tries))

    def close(self) -> None:
        """Leave the graph: ports closed, clients gone (once; a second call does nothing)."""
        if self.stopped.is_set():
            return
        self.stopped.set()
        self.thread.join()
        for port in (self.inp, self.out):
            port.close_port()
            port.delete()


def held(received) -> set[tuple[int, int]]:
    """(channel, pitch) left sounding by what a peer received: note-ons minus note-offs."""
    sounding = set()
    for _, data in received:
        kind, channel = data[0] & 0xF0, data[0] & 0x0F
        if kind == 0x90 and data[2] > 0:
            sounding.add((channel, data[1]))
        elif kind in (0x80, 0x90):
            sounding.discard((channel, data[1]))
    return sounding


def connections() -> dict[str, list[str]]:
    """Every JACK port of the current server and the ports connected to it (`jack_lsp -c`)."""
    listing = subprocess.run(["jack_lsp", "-c"], capture_output=True, text=True, timeout=10).stdout
    ports: dict[str, list[str]] = {}
    current: list[str] = []
    for line in listing.splitlines():
        if line.startswith(" "):
            current.append(line.strip())
        elif line:
            current = ports[line] = []
    return ports
