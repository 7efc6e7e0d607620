"""Which companion a preset plays with: the GAN's phrase companion, or the language-model companion
that spells a step as the preset's encoding declares it (`live/companion.py`)."""
from __future__ import annotations

from ..models.generation import max_note_steps, max_polyphony
from ..models.sampling import Sampler
from ..models.stepper import load_stepper
from .chord_companion import ChordCompanion
from .companion import EventsCompanion, FramesCompanion, LanguageModelCompanion, PianorollCompanion
from .gan_companion import GanCompanion


def companion_class(encoding) -> type[LanguageModelCompanion]:
    """The companion that spells a step as the encoding does: multi-hot rows, a chord under a melody,
    a frame of pitches spelled again each step they hold, or events that start and end notes."""
    if encoding.rows:
        return PianorollCompanion
    if encoding.plays_chords:
        return ChordCompanion
    return FramesCompanion if encoding.holds_repeat else EventsCompanion


def companion_for(preset, temperature=None, top_p=None, seed=None, **kwargs):
    """The live companion of a preset: a GAN's phrase companion, else the language-model companion of
    its encoding."""
    if preset.config.model.kind == "gan":  # whole phrases: no token to remember
        kwargs.pop("memory", None)
        return GanCompanion.from_preset(preset, temperature, top_p, seed=seed, **kwargs)
    encoding = preset.encoding()
    sampler = Sampler.from_preset(preset, temperature, top_p, seed)
    voices = max_polyphony(preset)
    if voices and "max_notes" not in kwargs:  # no more at once than its corpus sounds (a tune: one line)
        kwargs["max_notes"] = min(voices, 4)
    return companion_class(encoding)(preset.name, load_stepper(preset), encoding, sampler,
                                     max_note_steps=max_note_steps(preset),
                                     keys_normalised=preset.config.data.transpose == "normalize",
                                     metre=preset.metre, **kwargs)
