"""Every take kept: a session over real JACK ports in which the player repeats a four-note motif is
kept in the sessions folder when it is stopped, and `musigan sessions` lists it; --no-keep keeps none."""
import json
import os
import signal
import time

import pytest
from musigan.live.jack_harness import Peer
from support import run_musigan, start_jack_play

MOTIF = (67, 69, 71, 67)  # G4 A4 B4 G4


def play_session(home, *extra):
    env = {**os.environ, "MUSIGAN_HOME": str(home)}
    process, lines = start_jack_play("--preset", "folk-lstm", "--mode", "respond", "--seed", "2", *extra,
                                     env=env, timeout=120)
    peer = Peer("player")
    try:
        peer.connect()
        for _ in range(2):
            for pitch in MOTIF:
                peer.send(0x90, pitch, 90)
                time.sleep(0.15)
                peer.send(0x80, pitch, 0)
                time.sleep(0.05)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
        peer.close()
    return lines, env


def test_a_session_is_kept_and_listed_and_no_keep_keeps_nothing(jack_server, tmp_path):
    lines, env = play_session(tmp_path / "home")
    kept = [line for line in lines if line.startswith("kept this take: ")]
    assert kept, "".join(lines)
    take = kept[0].split("kept this take: ")[1].split(" (")[0]
    assert os.path.dirname(take) == str(tmp_path / "home" / "sessions")
    card = json.loads(open(take.replace(".mid", ".json")).read())
    stopped = next(line for line in lines if line.startswith("stopped:"))
    heard = int(stopped.split(" heard")[0].rsplit(" ", 1)[1])  # JACK's dummy server may lose one of the 8
    assert card["preset"] == "folk-lstm" and card["mode"] == "respond" and heard >= 7, (card, stopped)
    assert card["your_notes"] == heard, (card, stopped)
    assert card["key"] in ("G major", "E minor"), card
    listing = run_musigan("sessions", env=env)
    assert listing.returncode == 0 and os.path.basename(take) in listing.stdout, listing.stdout

    other = tmp_path / "other"
    lines, _ = play_session(other, "--no-keep")
    assert not any(line.startswith("kept") for line in lines) and not (other / "sessions").exists()


@pytest.mark.slow  # a fine-tune (TensorFlow's start, an epoch, the test figures)
def test_a_preset_of_your_own_from_a_kept_take_plays(jack_server, tmp_path):
    """As the issue asks: a take over JACK in which the player repeats a motif; `musigan train mine
    --from folk-lstm` learns from it (your part only) and `musigan play --preset mine` loads it."""
    home = tmp_path / "home"
    lines, env = play_session(home)
    assert any(line.startswith("kept this take: ") for line in lines), "".join(lines)
    trained = run_musigan("train", "mine", "--from", "folk-lstm", "--minutes", "1", "--no-calibration",
                          "--out", tmp_path / "run", env=env, timeout=600)
    assert trained.returncode == 0, trained.stderr[-3000:]
    card = json.loads((home / "presets" / "mine.json").read_text())
    assert card["made_from"]["preset"] == "folk-lstm" and card["config"]["data"]["part"] == "player", card["made_from"]
    assert card["metrics"]["base_test"]["nll_per_step"] > 0 and card["metrics"]["test"]["nll_per_step"] > 0
    listed = run_musigan("presets", env=env)
    assert "mine" in listed.stdout, listed.stdout
    lines, _ = play_session(home, "--preset", "mine", "--no-keep")
    assert any("ready in" in line and "mine in respond mode" in line for line in lines), "".join(lines)
