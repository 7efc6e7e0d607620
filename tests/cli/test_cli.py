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


def test_the_players_commands_never_import_tensorflow(tmp_path):
    """What the player's install (no TensorFlow, no Keras) runs: play, the demo, generate and the clip tools."""
    demo = ["play", "--demo", "--preset", "bach-chorales-gru", "--api", "alsa", "--record", str(tmp_path / "d.mid")]
    clips = [["generate", "bach-chorales-gru", "--bars", "2", "--out", str(tmp_path / "g.mid")],
             ["harmonize", str(tmp_path / "g.mid"), "--out", str(tmp_path / "h.mid")],
             ["continue", str(tmp_path / "g.mid"), "--bars", "1", "--out", str(tmp_path / "c.mid")]]
    code = NO_TF.format(argvs=[["--help"], ["data", "--help"], ["ports", "--api", "jack"], ["presets"], demo, *clips])
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "HEAVY []" in result.stdout, result.stdout + result.stderr
    assert "demo done" in result.stdout and (tmp_path / "d.mid").exists()
    assert (tmp_path / "h.mid").exists() and (tmp_path / "c.mid").exists()


def test_help_lists_the_commands():
    result = run_musigan("--help")
    assert result.returncode == 0
    for command in ("data", "train", "evaluate", "generate", "harmonize", "continue", "presets", "ports", "play"):
        assert command in result.stdout


def test_unknown_command_fails_with_usage():
    result = run_musigan("dance")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_a_close_that_hangs_still_ends_the_session_with_its_own_status():
    import subprocess
    import sys

    code = "import time; from musigan.live.watchdog import exit_within; exit_within(0.2, 3); time.sleep(30)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert result.returncode == 3
    assert "did not close within 0.2 s" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_a_shutdown_stuck_in_c_holding_the_interpreter_lock_still_ends():
    """A MIDI library call that blocks without letting go of the GIL keeps any Python timer from
    running (here `sum` over a huge range stands in for it); the C watchdog still ends the session."""
    import subprocess
    import sys

    code = ("from musigan.live.watchdog import backstop, exit_within; exit_within(0.2, 0); backstop(0.5); "
            "sum(range(10**13))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "Thread" in result.stderr, result.stderr[-500:]
