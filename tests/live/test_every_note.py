"""Every note is answered: 500 notes in five bursts into `musigan play --mode harmonize` over real
JACK ports, counted three ways: musigan heard each one, its recording has voices under each one, and
every voice it says it played reached the player's client.

It runs on a JACK server of its own in real time, as musicians run JACK: with ordinary threads the
dummy server itself drops a cycle's events now and then (a bare rtmidi pair loses about one message in
3,000 here; jackd says `XRun: client = ... was not finished`), which would be read as musigan's."""
import random
import time

import mido
import pytest
from musigan.live.jack_harness import Peer, dummy_jack_server, held, realtime_allowed
from support import need_jackd, start_jack_play

BURSTS, NOTES = 5, 100


@pytest.fixture
def realtime_jack():
    need_jackd()
    if not realtime_allowed():
        pytest.skip("needs real-time scheduling (root, or an rtprio limit) to run JACK as musicians do")
    with dummy_jack_server("musigan-every-note", realtime=True) as name:
        yield name


def test_five_hundred_notes_in_bursts_are_each_answered(realtime_jack, tmp_path):
    record = tmp_path / "take.mid"
    process, lines = start_jack_play("--preset", "bach-harmony", "--mode", "harmonize", "--seed", "3",
                                     "--record", record, timeout=120)
    peer = Peer("player")
    try:
        peer.connect()
        rng = random.Random(11)
        for _ in range(BURSTS):
            for _ in range(NOTES):  # a run of short notes, 25 ms each, 40 ms apart
                pitch = rng.randint(55, 79)
                peer.send(0x90, pitch, 90)
                time.sleep(0.025)
                peer.send(0x80, pitch, 0)
                time.sleep(0.015)
            assert peer.wait_for(lambda r: not held(r), timeout=60), held(peer.received)
        process.terminate()
        assert process.wait(timeout=60) == 0, "".join(lines)
    finally:
        if process.poll() is None:
            process.kill()
        peer.close()
    stopped = next(line for line in lines if line.startswith("stopped:"))
    assert f" {BURSTS * NOTES} heard," in stopped, stopped
    played = int(stopped.split(" heard, ")[1].split(" played")[0])
    received = sum(1 for _, d in peer.received if d[0] & 0xF0 == 0x90 and d[2] > 0)
    assert received == played, (received, stopped)

    tracks = {track.name: track for track in mido.MidiFile(record).tracks}
    ticks = {name: note_on_ticks(tracks[name]) for name in ("player", "musigan")}
    unanswered = [tick for tick in ticks["player"] if tick not in set(ticks["musigan"])]
    assert len(ticks["player"]) == BURSTS * NOTES and not unanswered, unanswered


def note_on_ticks(track) -> list[int]:
    now, ticks = 0, []
    for message in track:
        now += message.time
        if message.type == "note_on" and message.velocity > 0:
            ticks.append(now)
    return ticks
