"""MIDI ports through python-rtmidi, opened and closed in the order that loses no note, with one clear
line when a port is missing; the peers a session names followed while it plays (`TransportWatch`)."""
from __future__ import annotations

import time

import rtmidi

from .jack_backend import SysexGuard, jack_server_alive
from .midi_api import API_NAMES, api_hint, compiled_apis, new_client, port_names

# A margin before an output port closes, for a MIDI system that hands messages over a moment after they
# are sent (JACK's cycles are waited for exactly: InputPort.settle).
DRAIN_SECONDS = 0.05


class PortError(OSError):
    """A port that cannot be opened; the message lists the ports that are there."""


VIRTUAL_OUTPUT, VIRTUAL_INPUT = "musigan", "musigan in"
JACK_INPUT_PORT = "musigan listen"  # the port an input client opens to connect to a named JACK source
NOT_HARDWARE = ("midi through", "musigan", "rtmidi")


def _open_client(kind, api: str, client: str):
    if api not in API_NAMES:
        raise PortError(f"unknown MIDI API {api!r}; choose one of {', '.join(API_NAMES)}")
    if API_NAMES[api] not in rtmidi.get_compiled_api():
        raise PortError(f"python-rtmidi here has no {api} support; it has: {', '.join(compiled_apis())}")
    try:
        return new_client(kind, api, client)
    except rtmidi.SystemError as exc:
        raise PortError(api_hint(api, exc)) from None


def _find(ports: list[str], wanted: str, direction: str, api: str) -> int:
    matches = [i for i, port in enumerate(ports) if wanted.lower() in port.lower()]
    if not matches:
        listed = "; ".join(ports) if ports else "none"
        raise PortError(f"no MIDI {direction} port matching {wanted!r} on {api}; {direction} ports: {listed}")
    return matches[0]


class Port:
    """An open rtmidi port, in the spirit of mido's BasePort: a context manager whose `close()` runs
    once and knows the order things must go in (drain what was sent, stop helpers, close). A port
    opened on a named peer (`target`) follows it: `follow()` notices it vanish and reconnects it."""

    def __init__(self, rt, description: str, target: str | None = None, port_name: str | None = None):
        self.rt, self.description, self.closed = rt, description, False
        self.target, self.port_name, self.lost = target, port_name, False

    def follow(self, log) -> bool:
        """Check the named peer once; say a change once. True while the peer is gone."""
        ports = port_names(self.rt)
        if self.target in ports and not self.lost:
            return False
        # a restarted client may come back renamed (`synth-01`): its port's own name is what counts
        back = next((p for p in ports if p == self.target or p.split(":", 1)[-1] == self.target.split(":", 1)[-1]),
                    None)
        if back is None:
            if not self.lost:
                log(f"{self.description} is gone; waiting for it to come back")
            self.lost = True
        elif self.lost:
            self.rt.close_port()
            self.rt.open_port(ports.index(back), self.port_name)
            self.target, self.lost = back, False
            log(f"{self.description} is back: reconnected to '{back}'")
        return self.lost

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def close(self) -> None:
        """Close the port and end the MIDI client now, while the caller's exit deadline watches, rather
        than in a destructor at interpreter exit, where a slow MIDI server would keep the terminal."""
        if not self.closed:
            self.closed = True
            self.rt.close_port()
            self.rt.delete()


class OutputPort(Port):
    def send(self, message) -> None:
        self.rt.send_message(message.bytes())

    def close(self) -> None:
        if not self.closed:
            time.sleep(DRAIN_SECONDS)  # the last note-offs go out on the MIDI system's next cycle
        super().close()


class InputPort(Port):
    def __init__(self, rt, description: str, guard=None, target: str | None = None):
        super().__init__(rt, description, target, JACK_INPUT_PORT)
        self.guard = guard

    def poll(self) -> list[tuple[float, list[int]]]:
        """Every message rtmidi has queued, oldest first, each with its arrival time on perf_counter
        (rtmidi's own deltas between messages, counted back from now)."""
        now, items = time.perf_counter(), []
        while (item := self.rt.get_message()) is not None:
            items.append(item)
        times = [now]  # each delta is the time since the message before it: count back from now
        for _, delta in reversed(items[1:]):
            times.append(times[-1] - delta)
        return [(t, data) for t, (data, _) in zip(reversed(times), items)]

    def settle(self, timeout: float = 0.5) -> bool:
        """Before the ports close, let what was sent last (the final note-offs, All Notes Off) reach
        every peer. Under JACK a message goes out on the client's next cycle, and a port closed in
        that very cycle can take it along (a loaded machine stalls cycles past any fixed wait): three
        round trips of the guard's F7 through the graph prove the cycles ran. Other APIs hand a
        message over as it is sent."""
        return self.guard is None or self.guard.round_trips(self.rt, 3, timeout)

    def close(self) -> None:
        if self.guard:
            self.guard.close()
        super().close()


def open_output(api: str, name: str | None = None, client: str = "musigan") -> OutputPort:
    """Default: a virtual output named `musigan`, which a DAW lists as an input."""
    port = _open_client(rtmidi.MidiOut, api, client)
    if name is None:
        if api == "windows":
            listed = "; ".join(port_names(port)) or "none"
            raise PortError("Windows has no virtual MIDI ports: install loopMIDI, create a port, and pass its "
                            f"name with --output (output ports here: {listed})")
        port.open_virtual_port(VIRTUAL_OUTPUT)
        return OutputPort(port, f"virtual output '{VIRTUAL_OUTPUT}'")
    ports = port_names(port)
    index = _find(ports, name, "output", api)
    port.open_port(index, "musigan")
    return OutputPort(port, f"output '{ports[index]}'", ports[index], "musigan")


def open_input(api: str, name: str | None = None, client: str = "musigan in") -> InputPort:
    """Default: the first hardware input, else a virtual input `musigan in`.

    Timing messages are let through: they carry the DAW's MIDI clock.
    """
    port = _open_client(rtmidi.MidiIn, api, client)
    port.ignore_types(sysex=True, timing=False, active_sense=True)
    ports = port_names(port)
    if name is None:
        hardware = [i for i, p in enumerate(ports) if not any(word in p.lower() for word in NOT_HARDWARE)]
        if hardware and api != "jack":
            port.open_port(hardware[0], JACK_INPUT_PORT)
            return InputPort(port, f"input '{ports[hardware[0]]}'", target=ports[hardware[0]])
        name = "virtual"
    target = None
    if name == "virtual":
        if api == "windows":
            raise PortError("Windows has no virtual MIDI ports: pass your keyboard's name with --input "
                            f"(input ports here: {'; '.join(ports) or 'none'})")
        port.open_virtual_port(VIRTUAL_INPUT)
        port_name, description = VIRTUAL_INPUT, f"virtual input '{VIRTUAL_INPUT}'"
    else:
        index = _find(ports, name, "input", api)
        port_name, description, target = JACK_INPUT_PORT, f"input '{ports[index]}'", ports[index]
        port.open_port(index, JACK_INPUT_PORT)
    return InputPort(port, description, SysexGuard(port_name) if api == "jack" else None, target)


class TransportWatch:
    """Once a second: is the MIDI server still there (JACK), are the named peers still there? A
    vanished peer is said once and reconnected when it is back (`Port.follow`); `check` returns the
    reason to stop when the server itself is gone."""

    def __init__(self, api: str, ports, log, on_lost, period: float = 1.0):
        self.api, self.ports, self.log, self.on_lost, self.period = api, list(ports), log, on_lost, period
        self.next_check = 0.0

    def check(self, now: float) -> str | None:
        if now < self.next_check:
            return None
        self.next_check = now + self.period
        if self.api == "jack" and not jack_server_alive():
            return "the JACK server is gone"
        for port in (p for p in self.ports if p.target):
            was_lost = port.lost
            if port.follow(self.log) and not was_lost:
                self.on_lost()  # what sounded through it is gone with it: nothing may stay held
        return None
