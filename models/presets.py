"""Presets: named entries in `presets/presets.yaml` (shipped) or a user's YAML, validated on load.

Every error names the file and the key (`my.yaml: folk.model.units: expected an integer, got 'big'`).
A preset's weights are `<weights>.npz` (named arrays) and `<weights>.json` (the model card) beside the
YAML file that defines it. Training never writes into the shipped folder: a shipped preset trains into
the user's presets folder (`paths.user_presets_dir`), a user's preset beside the user's YAML, and
weights found there shadow the shipped ones. No TensorFlow here: `musigan presets` and `play` use this
module.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import yaml

from ..paths import SHIPPED_PRESETS as SHIPPED
from ..paths import bundled_jsb, user_presets_dir
from .encodings import make_encoding
from .files import load_npz
from .metre import Metre
from .preset_schema import SECTIONS, PresetConfig, PresetError, build_section, check_value

def _has_weights(stem: Path) -> bool:
    return stem.with_suffix(".npz").exists() and stem.with_suffix(".json").exists()


@dataclass
class Preset:
    """`weights_stem` is where the weights are read from, `output_stem` where training writes them;
    the data source is kept as the YAML names it (cards record that) and resolved against
    `source_folder`, the folder of the YAML file that named it."""
    name: str
    config: PresetConfig
    origin: Path
    weights_stem: Path
    output_stem: Path
    source_folder: Path

    @property
    def weights_file(self) -> Path:
        return self.weights_stem.with_suffix(".npz")

    @property
    def card_file(self) -> Path:
        return self.weights_stem.with_suffix(".json")

    @property
    def trained(self) -> bool:
        return _has_weights(self.weights_stem)

    @property
    def metre(self) -> Metre:
        return Metre.parse(self.config.data.metre)

    @property
    def steps_per_bar(self) -> int:
        return self.metre.steps_per_bar(self.encoding().steps_per_quarter)

    def encoding(self):
        return make_encoding(encoding_config(self.config))

    def source(self) -> str:
        """The data source, readable from any working directory."""
        return resolve_source(self.config.data.source, self.source_folder)

    def sources(self) -> list[str]:
        """The data source and `more_sources`, each readable from any working directory."""
        return [self.source()] + [resolve_source(str(more), self.source_folder)
                                  for more in self.config.data.more_sources]

    def card(self) -> dict:
        if not self.card_file.exists():
            raise PresetError(f"{self.origin}: {self.name}: not trained yet, no model card at {self.card_file} "
                              f"(run `musigan train {self.name}`)")
        return json.loads(self.card_file.read_text())

    def load_weights(self) -> dict[str, np.ndarray]:
        if not self.weights_file.exists():
            raise PresetError(f"{self.origin}: {self.name}.weights: missing weights file {self.weights_file} "
                              f"(run `musigan train {self.name}`)")
        return load_npz(self.weights_file)


def resolve_source(source: str, folder: Path) -> str:
    """A relative path in a preset's data source is relative to the YAML file that names it;
    `corpus:NAME` and a shipped JSB name (`jsb:jsb-chorales-quarter`) stay as they are."""
    if source.startswith("corpus:"):
        return source
    prefix, path = ("jsb:", source[4:]) if source.startswith("jsb:") else ("", source)
    if prefix and bundled_jsb(path):
        return source
    return source if Path(path).is_absolute() else prefix + str((folder / path).resolve())


def encoding_config(config: PresetConfig) -> dict:
    return {**config.data.encoding, "steps_per_quarter": config.data.steps_per_quarter}


def _check_split(split: dict, where: str) -> None:
    """valid/test each a fraction in [0, 1) or a list of piece names; the fractions leave room for train."""
    for key, value in split.items():
        if key not in ("valid", "test"):
            raise PresetError(f"{where}.{key}: unknown key (known: valid, test)")
        is_fraction = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1
        is_names = isinstance(value, list) and all(isinstance(name, str) for name in value)
        if not (is_fraction or is_names):
            raise PresetError(f"{where}.{key}: expected a fraction in [0, 1) or a list of piece names, got {value!r}")
    if sum(v for v in split.values() if not isinstance(v, list)) >= 1:
        raise PresetError(f"{where}: the valid and test fractions leave nothing to train on")


def validate(name: str, entry, origin: Path, base: "Preset | None" = None) -> Preset:
    """Fill defaults and check every key; `base` is the preset this entry overrides, if any."""
    where = f"{origin}: {name}"
    if not isinstance(entry, dict):
        raise PresetError(f"{where}: a preset must be a mapping of sections, got {type(entry).__name__}")
    merged = base.config.as_dict() if base else {}
    data = entry.get("data")
    new_source = data.get("source") if isinstance(data, dict) else None
    if base is not None and new_source and "description" not in entry:  # the base's words describe other music
        merged["description"] = f"{base.name}'s settings, trained on {new_source}"
    for key, value in entry.items():
        merged[key] = {**merged[key], **value} if isinstance(value, dict) and isinstance(merged.get(key), dict) else value
    unknown = sorted(set(merged) - set(SECTIONS) - {"description", "weights"})
    if unknown:
        raise PresetError(f"{where}.{unknown[0]}: unknown key (known: description, weights, {', '.join(SECTIONS)})")
    weights = merged.get("weights")
    config = PresetConfig(description=check_value(merged.get("description", ""), str, (), f"{where}.description"),
                          weights=None if weights is None else check_value(weights, str, (), f"{where}.weights"),
                          **{section: build_section(cls, merged.get(section, {}), f"{where}.{section}")
                             for section, cls in SECTIONS.items()})
    config = check_combination(config, where)
    names_source = base is None or "source" in (entry.get("data") or {})
    source_folder = origin.parent if names_source else base.source_folder
    keeps_weights = base is not None and "weights" not in entry
    stem = base.weights_stem if keeps_weights else origin.parent / (config.weights or name)
    output = user_presets_dir() / name if origin == SHIPPED else origin.parent / (config.weights or name)
    return Preset(name, config, origin, output if _has_weights(output) else stem, output, source_folder)


def check_combination(config: PresetConfig, where: str) -> PresetConfig:
    """What no single key's type can say: keys that must fit each other, and ranges."""
    try:
        encoding = make_encoding(encoding_config(config))
    except ValueError as exc:
        raise PresetError(f"{where}.data.encoding: {exc}") from None
    try:
        Metre.parse(config.data.metre).steps_per_bar(encoding.steps_per_quarter)
    except ValueError as exc:
        raise PresetError(f"{where}.data.metre: {exc}") from None
    if config.model.kind == "gan":
        if encoding.name != "pianoroll":
            raise PresetError(f"{where}.data.encoding: a gan preset needs the pianoroll encoding")
        config = replace(config, model=replace(config.model, head="sigmoid"))
    if (config.model.head == "sigmoid") != encoding.rows:
        raise PresetError(f"{where}.model.head: a {config.model.head} head does not fit the {encoding.name} "
                          "encoding (sigmoid goes with pianoroll, softmax with events/frames)")
    for section, key in (("model", "layers"), ("model", "units"), ("training", "epochs"), ("training", "batch_size")):
        if getattr(getattr(config, section), key) < 1:
            raise PresetError(f"{where}.{section}.{key}: must be at least 1")
    if not 0 < config.sampling.top_p <= 1:
        raise PresetError(f"{where}.sampling.top_p: must be in (0, 1], got {config.sampling.top_p}")
    if config.sampling.temperature <= 0:
        raise PresetError(f"{where}.sampling.temperature: must be > 0, got {config.sampling.temperature}")
    _check_split(config.data.split, f"{where}.data.split")
    if not 1 <= config.live.channel <= 16:
        raise PresetError(f"{where}.live.channel: must be 1..16, got {config.live.channel}")
    return config


def read_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text())
    except OSError as exc:
        raise PresetError(f"{path}: cannot read ({exc.strerror})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise PresetError(f"{where}: not valid YAML ({reason})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PresetError(f"{path}: expected a mapping of preset names to presets")
    return data


def load_presets(configs=()) -> dict[str, Preset]:
    """The shipped presets, then each user file in turn, adding presets or overriding keys of one;
    then the presets of your own that `musigan train NAME --from PRESET` made (no YAML: their card
    holds their settings), under any name a YAML file does not use."""
    presets: dict[str, Preset] = {}
    for path in [SHIPPED, *map(Path, configs)]:
        for name, entry in read_yaml(path).items():
            presets[str(name)] = validate(str(name), entry, path, presets.get(str(name)))
    for name, card_file in made_presets().items():
        if name not in presets:
            presets[name] = validate(name, json.loads(card_file.read_text())["config"], card_file)
    return presets


def made_presets() -> dict[str, Path]:
    """name -> card of each preset of your own in the presets folder (a card that says what it was
    made from); a card that cannot be read is left out."""
    folder, made = user_presets_dir(), {}
    for card_file in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            card = json.loads(card_file.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(card, dict) and "made_from" in card and isinstance(card.get("config"), dict):
            made[card_file.stem] = card_file
    return made


def get_preset(name: str, configs=()) -> Preset:
    presets = load_presets(configs)
    if name not in presets:
        raise PresetError(f"unknown preset {name!r}; presets: {', '.join(sorted(presets)) or '(none)'}")
    return presets[name]
