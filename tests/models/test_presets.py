import pytest
from musigan.models.presets import PresetError, get_preset, load_presets
from support import run_musigan

SHIPPED = {"bach-chorales-gru", "bach-harmony", "folk-lstm", "jsb-gru-sigmoid", "jsb-lstm-sigmoid"}


def write(tmp_path, text):
    path = tmp_path / "my.yaml"
    path.write_text(text)
    return path


def test_shipped_presets_validate():
    presets = load_presets()
    assert SHIPPED <= set(presets)
    harmony = presets["bach-harmony"].config
    assert harmony.data.encoding["order"] == "descending" and harmony.live.mode == "harmonize"


@pytest.mark.parametrize("text, message", [
    ("x:\n  model: {units: big}\n  data: {source: a, encoding: {name: events}}", "my.yaml: x.model.units: expected an integer, got 'big'"),
    ("x:\n  modle: {}\n", "my.yaml: x.modle: unknown key"),
    ("x:\n  data: {encoding: {name: events}}", "my.yaml: x.data.source: missing required key"),
    ("x:\n  data: {source: a, encoding: {name: notes}}", "x.data.encoding: unknown encoding 'notes'"),
    ("x:\n  data: {source: a, encoding: {name: events}}\n  model: {head: sigmoid}", "x.model.head: a sigmoid head does not fit"),
    ("x:\n  data: {source: a, encoding: {name: events}}\n  live: {mode: dance}", "x.live.mode: 'dance' is not one of"),
    ("x: [1, 2", "my.yaml:1:9: not valid YAML"),
])
def test_bad_yaml_names_the_file_and_key(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(PresetError) as error:
        load_presets([path])
    assert message in str(error.value)


def test_user_file_overrides_one_key_and_keeps_the_shipped_weights(tmp_path):
    path = write(tmp_path, "bach-harmony:\n  sampling: {temperature: 0.5}\n")
    shipped, mine = get_preset("bach-harmony"), get_preset("bach-harmony", [path])
    assert mine.config.sampling.temperature == 0.5
    assert mine.config.model == shipped.config.model
    assert mine.weights_file == shipped.weights_file


def test_missing_weights_and_unknown_names_say_what_to_do(tmp_path):
    path = write(tmp_path, "fresh:\n  data: {source: corpus:bach, encoding: {name: events}}\n")
    with pytest.raises(PresetError, match="missing weights file .*musigan train fresh"):
        get_preset("fresh", [path]).load_weights()
    with pytest.raises(PresetError, match="unknown preset 'nope'; presets: .*bach-harmony"):
        get_preset("nope")
    result = run_musigan("generate", "nope", "--out", tmp_path / "x.mid")
    assert result.returncode == 2 and "unknown preset 'nope'" in result.stderr


def test_the_documented_key_reference_is_the_one_the_code_validates():
    from pathlib import Path

    from musigan.models.preset_schema import key_reference

    readme = (Path(__file__).resolve().parents[2] / "docs" / "PRESETS.md").read_text()
    table = readme.split("<!-- preset-keys -->\n", 1)[1].split("\n<!-- /preset-keys -->", 1)[0]
    assert table == key_reference()


def test_each_shipped_card_was_trained_with_what_its_yaml_says():
    """`musigan train NAME` reproduces a shipped preset: every key its card records is the YAML's."""
    for name, preset in load_presets().items():
        if not preset.trained:
            continue
        recorded, declared = preset.card()["config"], preset.config.as_dict()
        for section, keys in recorded.items():
            if isinstance(keys, dict):
                for key, value in keys.items():
                    assert declared[section][key] == value, f"{name}.{section}.{key}: card {value}, YAML {declared[section][key]}"
