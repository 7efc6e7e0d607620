"""A preset of your own in minutes: a shipped (or any trained) language-model preset fine-tuned on a
folder of your music, or on your part of the takes `musigan play` kept. No YAML: the new preset's
settings are the base's, with the new data, a time budget and half the learning rate, and its card
(in your presets folder) says what it was made from and its test figure before and after."""
from __future__ import annotations

from pathlib import Path

from ..models.midi_file import PLAYER_TRACK
from ..models.presets import PresetError, get_preset, load_presets, made_presets, validate
from ..paths import user_presets_dir, user_sessions_dir


def fine_tune_preset(name: str, base_name: str, folders: list[str], minutes: float, configs=()):
    """The new preset (not yet trained) and its base; raises PresetError naming what is wrong, before
    any work: a name a YAML preset has, a base that is untrained or a GAN, a folder that is not there."""
    presets = load_presets(configs)
    if name in presets and name not in made_presets():
        raise PresetError(f"{name}: that name is taken by a preset of {presets[name].origin.name}; "
                          "choose another name for a preset of your own")
    base = get_preset(base_name, configs)
    if base.config.model.kind == "gan":
        raise PresetError(f"--from {base_name}: a GAN plays whole phrases and cannot be fine-tuned on your "
                          "music; start from a language-model preset (folk-lstm, bach-harmony ...)")
    if not base.trained:
        raise PresetError(f"--from {base_name}: not trained yet (run `musigan train {base_name}` first)")
    if folders:
        sources, part = [source_named(folder) for folder in folders], ""
    else:
        sources, part = [str(user_sessions_dir())], PLAYER_TRACK
        if not any(user_sessions_dir().glob("*.mid")):
            raise PresetError(f"no takes kept yet in {sources[0]}: play with `musigan play` first, or name a folder")
    entry = base.config.as_dict()
    entry["description"] = (f"{base.name} fine-tuned for {minutes:g} minutes on "
                            f"{'your kept takes (your part)' if part else ', '.join(sources)}")
    entry["weights"] = None
    entry["data"] = {**entry["data"], "source": sources[0], "more_sources": sources[1:], "part": part,
                     "max_pieces": 0}
    training = entry["training"]
    entry["training"] = {**training, "max_minutes": minutes, "epochs": 1000, "sample_every": 0,
                         "learning_rate": training["learning_rate"] / 2}
    return validate(name, entry, user_presets_dir() / f"{name}.json"), base


def source_named(folder: str) -> str:
    """A FOLDER as the new preset's card names it: music21's corpus and a JSB split as a preset names
    them, a folder or file by its whole path (PresetError when it is not there)."""
    if folder.startswith(("corpus:", "jsb:")):
        return folder
    path = Path(folder).resolve()
    if not path.exists():
        raise PresetError(f"{folder}: no such folder or file")
    return str(path)
