"""Encoders from NoteSequence to model input; each implements `base.Encoding`."""
from __future__ import annotations

from .base import HARMONIZE_NEEDS, Encoding, PitchRange  # noqa: F401  (the interface, re-exported)
from .events import EventsEncoding
from .frames import FramesEncoding, PianorollEncoding
from .leadsheet import LeadSheetEncoding

ENCODINGS = {"events": EventsEncoding, "frames": FramesEncoding, "pianoroll": PianorollEncoding,
             "leadsheet": LeadSheetEncoding}


def make_encoding(config: dict) -> Encoding:
    """Build an encoding from its config dict (`{"name": "frames", "order": "descending", ...}`)."""
    params = dict(config)
    name = params.pop("name", None)
    if name not in ENCODINGS:
        raise ValueError(f"unknown encoding {name!r}; choose one of {', '.join(ENCODINGS)}")
    try:
        return ENCODINGS[name](**params)
    except TypeError as exc:
        raise ValueError(f"encoding {name!r}: {exc}") from None
