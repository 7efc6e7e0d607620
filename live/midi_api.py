"""python-rtmidi's clients on each MIDI API: making one quietly, listing ports (per API), and the
hint that says how to start an API that will not open."""
from __future__ import annotations

import sys
import time

import rtmidi

from ..models.quiet import c_stderr_quiet

API_NAMES = {"alsa": rtmidi.API_LINUX_ALSA, "jack": rtmidi.API_UNIX_JACK,
             "coremidi": rtmidi.API_MACOSX_CORE, "windows": rtmidi.API_WINDOWS_MM}


INPUT_QUEUE = 8192  # messages rtmidi keeps for the poll: seconds of a 2,000 events/s flood


def new_client(kind, api: str, client: str):
    """An rtmidi MidiIn/MidiOut on one API, without the C libraries' own lines."""
    options = {"queue_size_limit": INPUT_QUEUE} if kind is rtmidi.MidiIn else {}
    with c_stderr_quiet():  # ALSA and libjack print their own lines when they cannot connect
        return kind(API_NAMES[api], name=client, **options)


def port_names(port, tries: int = 5) -> list[str]:
    """The ports an rtmidi client sees; rtmidi fails when one vanishes while it lists them (another
    client leaving): list again."""
    for _ in range(tries - 1):
        try:
            return port.get_ports()
        except rtmidi.InvalidPortError:
            time.sleep(0.05)
    return port.get_ports()


def default_api() -> str:
    return {"darwin": "coremidi", "win32": "windows"}.get(sys.platform, "alsa")


def compiled_apis() -> list[str]:
    compiled = set(rtmidi.get_compiled_api())
    return [name for name, api in API_NAMES.items() if api in compiled]


def list_ports(api: str) -> tuple[list[str], list[str]]:
    """(inputs, outputs) seen through one API; raises OSError with a hint if the API cannot open."""
    if api not in API_NAMES:
        raise ValueError(f"unknown MIDI API {api!r}; choose one of {', '.join(API_NAMES)}")
    try:
        midi_in = new_client(rtmidi.MidiIn, api, "musigan-list")
        midi_out = new_client(rtmidi.MidiOut, api, "musigan-list")
    except rtmidi.SystemError as exc:
        raise OSError(api_hint(api, exc)) from None
    try:
        return port_names(midi_in), port_names(midi_out)
    finally:
        midi_in.delete()
        midi_out.delete()


def api_hint(api: str, exc: Exception) -> str:
    if api == "alsa":
        return (f"ALSA sequencer unavailable ({exc}): load snd-seq (`sudo modprobe snd-seq`) "
                "or use JACK with `--api jack` (start it with `jackd -d dummy`)")
    if api == "jack":
        return f"JACK unavailable ({exc}): start a JACK server first, e.g. `jackd --no-realtime -d dummy`"
    return f"{api} MIDI unavailable ({exc})"
