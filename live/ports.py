"""MIDI ports through python-rtmidi: listing per API, and clear errors when a port is missing."""
from __future__ import annotations

import sys

import rtmidi

API_NAMES = {"alsa": rtmidi.API_LINUX_ALSA, "jack": rtmidi.API_UNIX_JACK,
             "coremidi": rtmidi.API_MACOSX_CORE, "windows": rtmidi.API_WINDOWS_MM}


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
        midi_in = rtmidi.MidiIn(API_NAMES[api], name="musigan-list")
        midi_out = rtmidi.MidiOut(API_NAMES[api], name="musigan-list")
    except rtmidi.SystemError as exc:
        raise OSError(api_hint(api, exc)) from None
    try:
        return midi_in.get_ports(), midi_out.get_ports()
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
