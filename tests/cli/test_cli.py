import subprocess
import sys

from support import run_musigan

NO_TF = """
import sys
from musigan.cli import main
for argv in {argvs!r}:
    try:
        main(argv)
    except SystemExit:
        pass
heavy = sorted(m for m in ("tensorflow", "keras", "jax", "torch") if m in sys.modules)
print("HEAVY", heavy)
"""


def test_help_ports_presets_and_play_never_import_tensorflow(tmp_path):
    demo = ["play", "--demo", "--preset", "bach-chorales-gru", "--api", "alsa", "--record", str(tmp_path / "d.mid")]
    code = NO_TF.format(argvs=[["--help"], ["data", "--help"], ["ports", "--api", "jack"], ["presets"], demo])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "demo done" in result.stdout and (tmp_path / "d.mid").exists()


def test_help_lists_the_commands():
    result = run_musigan("--help")
    assert result.returncode == 0
    for command in ("data", "train", "evaluate", "generate", "presets", "ports", "play"):
        assert command in result.stdout


def test_unknown_command_fails_with_usage():
    result = run_musigan("dance")
    assert result.returncode == 2 and "invalid choice" in result.stderr
