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
    if len(folders) > 1:
        raise PresetError(f"{' '.join(folders)}: name one folder (or none, for your kept takes)")
    if folders and folders[0].startswith(("corpus:", "jsb:")):  # music21's corpus, a JSB split: as a preset names it
        source, part = folders[0], ""
    elif folders:
        source, part = Path(folders[0]).resolve(), ""
        if not source.exists():
            raise PresetError(f"{folders[0]}: no such folder or file")
    else:
        source, part = user_sessions_dir(), PLAYER_TRACK
        if not any(source.glob("*.mid")):
            raise PresetError(f"no takes kept yet in {source}: play with `musigan play` first, or name a folder")
    entry = base.config.as_dict()
    entry["description"] = (f"{base.name} fine-tuned for {minutes:g} minutes on "
                            f"{'your kept takes (your part)' if part else source}")
    entry["weights"] = None
    entry["data"] = {**entry["data"], "source": str(source), "part": part, "max_pieces": 0}
    training = entry["training"]
    entry["training"] = {**training, "max_minutes": minutes, "epochs": 1000, "sample_every": 0,
                         "learning_rate": training["learning_rate"] / 2}
    return validate(name, entry, user_presets_dir() / f"{name}.json"), base
