"""What only JACK needs: the sysex guard that keeps rtmidi's JACK input from going deaf, and whether
the JACK server this process talks to is still there. `live/ports.py` opens ports on every API."""
from __future__ import annotations

import os
import socket
import threading
import time

import rtmidi

from .midi_api import new_client, port_names


class SysexGuard:
    """JACK only. rtmidi's JACK input treats every later event as part of a system-exclusive message
    that never got its F7 (a device sent `F0 43 10` and stopped): the companion would go deaf until
    some event happened to end in F7. A lone F7 from musigan's own client into its own input every
    PERIOD ends such a message, so a broken sysex costs at most PERIOD of hearing; the parser
    (`midi_bytes.py`) drops the F7s."""

    PERIOD = 0.1
    # A DAW or patchbay lists this port among the sources: its name says it is no output to pick.
    CLIENT, PORT = "musigan internal", "sysex guard (not an output)"

    def __init__(self, input_port: str):
        self.out = new_client(rtmidi.MidiOut, "jack", self.CLIENT)
        ports = port_names(self.out)
        self.out.open_port(next(i for i, p in enumerate(ports) if p.endswith(f":{input_port}")), self.PORT)
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="musigan sysex guard", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stopped.wait(self.PERIOD):
            self.out.send_message([0xF7])

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join()  # it may be inside a send: nothing else may use the client before it is out

    def round_trips(self, listener, count: int, timeout: float) -> bool:
        """Send F7s one at a time and wait for each to arrive on `listener` (musigan's input, whose
        queue nothing else reads now): each arrival is a JACK cycle that ran after what was sent
        before. False if the graph did not run that often within `timeout` seconds."""
        self.stop()  # from now on every F7 on the wire is one of these
        deadline = time.perf_counter() + timeout
        for _ in range(count):
            self.out.send_message([0xF7])
            while (item := listener.get_message()) is None or item[0] != [0xF7]:
                if time.perf_counter() > deadline:
                    return False
                if item is None:
                    time.sleep(0.0005)
        return True

    def close(self) -> None:
        self.stop()
        self.out.close_port()
        self.out.delete()


def jack_server_alive() -> bool:
    """Whether the JACK server this process talks to still answers on its socket. rtmidi cannot
    tell: after the server dies its clients keep listing the ports they knew."""
    server = os.environ.get("JACK_DEFAULT_SERVER", "default")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(f"/dev/shm/jack_{server}_{os.getuid()}_0")
        return True
    except OSError:
        return False
    finally:
        probe.close()
