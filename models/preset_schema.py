"""A preset's sections as frozen dataclasses: one definition gives each key's type, default, allowed
values and meaning, and from it come the validation (errors name the file and the key), the
defaults, and the key reference in docs/PRESETS.md (`key_reference()`).
"""
from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field

MODES = ("respond", "harmonize", "solo", "accompany")
TRANSPOSE_MODES = ("none", "normalize", "augment")
SPLITS = ("train", "valid", "test")
NAMES = {str: "a string", int: "an integer", float: "a number", dict: "a mapping", bool: "true or false",
         list: "a list"}


class PresetError(ValueError):
    """A preset that cannot be used; the message names the file and the key."""


def key(default=dataclasses.MISSING, meaning: str = "", choices: tuple = (), factory=None):
    """A preset key: its default (none: required), what it means, and the values it may take."""
    metadata = {"meaning": meaning, "choices": choices}
    if factory is not None:
        return field(default_factory=factory, metadata=metadata)
    return field(default=default, metadata=metadata)


@dataclass(frozen=True, kw_only=True)
class Data:
    source: str = key(meaning="a folder or file, corpus:NAME, jsb:NAME (shipped) or jsb:PATH")
    encoding: dict = key(meaning="{name: events, frames, pianoroll or leadsheet, ...}: how notes become model input")
    steps_per_quarter: int = key(4, "the grid: steps per quarter note (for a jsb: source, the file's grid): "
                                    "4 for 16ths, 6 or 12 for triplets, 24 for both")
    metre: str = key("4/4", "the bar it plays in: a GAN's phrases are bars of it; live, the bar lines, metronome, "
                            "count-in and the DAW clock's bar follow it (e.g. 3/4, 6/8)")
    transpose: str = key("none", "normalize: every piece to C/Am; augment: train in other keys", TRANSPOSE_MODES)
    max_pieces: int = key(0, "use only the first N pieces of each split (0: all)")
    max_shift: int = key(6, "augment: transpositions up to this many semitones either way")
    split: dict = key(meaning="folders and corpus: valid/test as fractions or lists of piece names",
                      factory=lambda: {"valid": 0.1, "test": 0.1})
    drums: bool = key(False, "keep drum tracks (MIDI channel 10), left out by default")
    single_instrument: bool = key(False, "keep only pieces of one voice (one MIDI track and channel)")
    min_bars: int = key(0, "leave out pieces shorter than this many bars (0: keep all)")
    metres: list = key(meaning="keep only pieces in these metres, e.g. ['4/4', '3/4'] (empty: all)", factory=list)
    part: str = key("", "keep only the part (MIDI track) of this name, e.g. player: your part of a kept take "
                        "('': every part)")
    more_sources: list = key(meaning="more sources read with `source` as one corpus, each as `source` is "
                                     "(`train NAME --from PRESET A B` writes them)", factory=list)


@dataclass(frozen=True, kw_only=True)
class Model:
    kind: str = key("lm", "lm: a language model; gan: the phrase GAN", ("lm", "gan"))
    cell: str = key("gru", "the recurrent cell", ("gru", "lstm"))
    layers: int = key(2, "recurrent layers")
    units: int = key(256, "units per recurrent layer")
    embedding: int = key(64, "embedding width (token ids or rows)")
    dropout: float = key(0.2, "dropout before each recurrent layer and the head")
    head: str = key("softmax", "softmax over tokens (events, frames) or sigmoid over rows (pianoroll)",
                    ("softmax", "sigmoid"))
    noise: int = key(16, "gan: noise dimensions per step and per phrase")
    phrase_bars: int = key(4, "gan: bars (of data.metre) in one generated phrase")


@dataclass(frozen=True, kw_only=True)
class Training:
    epochs: int = key(20, "most epochs")
    batch_size: int = key(32, "windows per batch")
    sequence_length: int = key(128, "steps (tokens or rows) per training window")
    learning_rate: float = key(1e-3, "Adam's learning rate")
    weight_decay: float = key(0.0, "decoupled weight decay (AdamW), per unit of learning rate")
    ema: float = key(0.0, "momentum of an average of the weights, which each epoch ends on (0: none)")
    patience: int = key(5, "epochs without a better valid score before training stops")
    lr_patience: int = key(0, "epochs without a better valid score before the rate decays (0: never)")
    lr_decay: float = key(0.5, "what the learning rate is multiplied by then")
    sample_every: int = key(5, "write a sample MIDI file every N epochs (0: never)")
    max_minutes: float = key(0.0, "time budget of the whole `musigan train`, kept inside an epoch too: "
                                     "80% for the epochs, the rest for the test figures and calibration (0: none)")
    adversarial: float = key(0.1, "gan: weight of the critic's verdict beside the likelihood (0: likelihood alone)")
    seed: int = key(1234, "random seed of the initial weights, dropout and batch order (another shows what a "
                          "result owes to chance)")


@dataclass(frozen=True, kw_only=True)
class Sampling:
    temperature: float = key(1.0, "which notes: lower picks likelier ones (never fewer)")
    top_p: float = key(0.95, "nucleus: the model's likeliest tokens up to this mass")


@dataclass(frozen=True, kw_only=True)
class Live:
    mode: str = key("respond", "what `musigan play` starts in", MODES)
    channel: int = key(1, "MIDI channel it plays on, 1..16")
    answer_bars: int = key(2, "respond: answer length in bars (0: as long as the phrase)")
    bpm: float = key(100.0, "tempo of the internal clock")


SECTIONS = {"data": Data, "model": Model, "training": Training, "sampling": Sampling, "live": Live}


@dataclass(frozen=True, kw_only=True)
class PresetConfig:
    description: str = ""
    weights: str | None = None
    data: Data
    model: Model
    training: Training
    sampling: Sampling
    live: Live

    def as_dict(self) -> dict:
        """Plain nested dicts: what a model card records and a YAML file holds."""
        return dataclasses.asdict(self)


def check_value(value, expected: type, choices: tuple, where: str):
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if not isinstance(value, expected) or (isinstance(value, bool) and expected is not bool):
        raise PresetError(f"{where}: expected {NAMES[expected]}, got {value!r}")
    if choices and value not in choices:
        raise PresetError(f"{where}: {value!r} is not one of {', '.join(choices)}")
    if expected in (int, float) and value < 0:
        raise PresetError(f"{where}: must not be negative, got {value!r}")
    return value


def build_section(cls, entry, where: str):
    """A section from its YAML mapping: unknown keys, missing required ones and wrong types named."""
    if not isinstance(entry, dict):
        raise PresetError(f"{where}: expected a mapping, got {entry!r}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(entry) - set(fields))
    if unknown:
        raise PresetError(f"{where}.{unknown[0]}: unknown key (known: {', '.join(fields)})")
    hints = typing.get_type_hints(cls)
    values = {}
    for name, spec in fields.items():
        if name in entry:
            values[name] = check_value(entry[name], hints[name], spec.metadata["choices"], f"{where}.{name}")
        elif spec.default is dataclasses.MISSING and spec.default_factory is dataclasses.MISSING:
            raise PresetError(f"{where}.{name}: missing required key")
    return cls(**values)


def key_reference() -> str:
    """docs/PRESETS.md's table of every preset key, made from the dataclasses above."""
    rows = ["| key | type | default | meaning |", "| --- | --- | --- | --- |"]
    for section, cls in SECTIONS.items():
        hints = typing.get_type_hints(cls)
        for spec in dataclasses.fields(cls):
            if spec.default is not dataclasses.MISSING:
                default = f"`{spec.default}`"
            elif spec.default_factory is not dataclasses.MISSING:
                default = f"`{spec.default_factory()}`"
            else:
                default = "required"
            choices = spec.metadata["choices"]
            meaning = spec.metadata["meaning"] + (f" ({' / '.join(choices)})" if choices else "")
            rows.append(f"| `{section}.{spec.name}` | {hints[spec.name].__name__} | {default} | {meaning} |")
    return "\n".join(rows)
