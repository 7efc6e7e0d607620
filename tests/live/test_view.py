"""The live view's protocol and its guard, against real sessions over JACK: `musigan play --view`
serves a page and a WebSocket; a Python client plays the page's part."""
import http.client
import json
import socket
import time

import pytest
from support import DEADLINE, port_of, run_musigan, start_jack_play, view_address
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

def session_socket(port: int, token: str = "", origin: str | None = None, **kwargs):
    query = f"?token={token}" if token else ""
    return connect(f"ws://127.0.0.1:{port}/session{query}",
                   origin=origin if origin is not None else f"http://127.0.0.1:{port}", open_timeout=DEADLINE, **kwargs)


def receive_until(ws, wanted, deadline: float = DEADLINE) -> dict:
    """The first message for which `wanted(message)` holds (failing the test past the deadline)."""
    end = time.time() + deadline
    while time.time() < end:
        message = json.loads(ws.recv(timeout=end - time.time()))
        if wanted(message):
            return message
    pytest.fail("the view never sent what was waited for")


def stop(process) -> str:
    process.terminate()
    process.wait(DEADLINE)
    return ""


def get(port: int, path: str = "/", host: str | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=DEADLINE)
    connection.request("GET", path, headers={"Host": host or f"127.0.0.1:{port}"})
    return connection.getresponse()


@pytest.fixture
def viewed_session(jack_server, tmp_path):
    """`musigan play --view` in solo mode, so that the companion plays without a player."""
    process, lines = start_jack_play("--view", "--view-port", 0, "--mode", "solo", "--no-keep", "--seed", "1")
    yield process, lines, port_of(view_address(lines))
    stop(process)


def test_the_demo_shows_its_notes_and_the_plan_before_it_sounds(jack_server, tmp_path):
    process, lines = start_jack_play("--view", "--view-port", 0, "--mode", "respond", "--no-keep", "--seed", "3",
                                     "--answer-bars", 2)
    try:
        port = port_of(view_address(lines))
        from musigan.live.jack_harness import Peer

        peer = Peer("viewer")
        peer.connect()
        with session_socket(port) as ws:
            hello = receive_until(ws, lambda m: m["type"] == "hello")
            assert hello["steps_per_bar"] == 16 and "temperature" in hello["controls"]
            for pitch in (60, 64, 67, 72):  # a call of four notes, then silence: respond answers it
                peer.send(0x90, pitch, 90)
                time.sleep(0.15)
                for _ in range(2):  # a note-off the dummy transport drops must not hold the call open
                    peer.send(0x80, pitch, 0)
            heard = receive_until(ws, lambda m: m["type"] == "notes" and
                                  any(e[0] == "player" for e in m["events"]))
            assert all(event[0] in ("player", "companion") for event in heard["events"])
            state = receive_until(ws, lambda m: m["type"] == "state")
            plan = receive_until(ws, lambda m: m["type"] == "plan" and m["notes"])
            assert state["mode"] == "respond" and state["preset"] == "bach-harmony"
            planned = {(pitch, start) for pitch, start, _, _ in plan["notes"]}
            assert min(start for _, start in planned) >= plan["begin"] >= state["position"] - 1, \
                "the plan is sent as it is decided, before it sounds"
            played = set()
            end = time.time() + DEADLINE
            while not planned <= played and time.time() < end:
                message = json.loads(ws.recv(timeout=DEADLINE))
                if message["type"] == "notes":
                    played |= {(pitch, round(position)) for who, pitch, on, position, _ in message["events"]
                               if who == "companion" and on}
            assert planned <= played, "every planned note is played where the plan put it"
        peer.close()
    finally:
        stop(process)


def test_a_slider_turns_the_knob_and_a_bad_message_changes_nothing(viewed_session):
    process, lines, port = viewed_session
    with session_socket(port) as ws:
        before = receive_until(ws, lambda m: m["type"] == "state")
        for bad in ("nonsense", json.dumps([1]), json.dumps({"type": "knob", "name": "volume", "value": 3}),
                    json.dumps({"type": "knob", "name": "temperature", "value": 500}),
                    json.dumps({"type": "knob", "name": "temperature", "value": True}),
                    json.dumps({"type": "program", "value": 999}), json.dumps({"type": "wink", "value": 1}),
                    json.dumps({"type": "knob", "name": "temperature", "value": 127, "pad": "x" * 2000}),
                    b"\x00binary"):
            ws.send(bad)
            error = receive_until(ws, lambda m: m["type"] == "error")
            assert error["error"]
        after = receive_until(ws, lambda m: m["type"] == "state")
        assert after["temperature"] == before["temperature"] and after["knobs"] == before["knobs"]
    with session_socket(port) as flood:  # past 64 KB the connection itself closes: message too big
        flood.send("x" * 70_000)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                flood.recv(timeout=DEADLINE)
        assert closed.value.rcvd.code == 1009
    with session_socket(port) as ws:
        ws.send(json.dumps({"type": "knob", "name": "temperature", "value": 127}))
        turned = receive_until(ws, lambda m: m["type"] == "state" and m["temperature"] == 2.0)
        assert turned["knobs"]["temperature"] == 127 and turned["labels"]["temperature"] == "2"
        ws.send(json.dumps({"type": "knob", "name": "mode", "value": 48}))
        assert receive_until(ws, lambda m: m["type"] == "state" and m["mode"] == "harmonize")
    end = time.time() + DEADLINE
    while not any("temperature 2.0" in line for line in lines) and time.time() < end:
        time.sleep(0.05)
    assert any("temperature 2.0" in line for line in lines), "the page's slider acts as the CC knob does"


def test_another_site_cannot_connect_read_or_frame_it(viewed_session):
    _, _, port = viewed_session
    page = get(port)
    assert page.status == 200 and b"musigan" in page.read()
    assert page.getheader("X-Frame-Options") == "DENY" and "frame-ancestors 'none'" in page.getheader(
        "Content-Security-Policy")
    rebound = get(port, host=f"attacker.example:{port}")  # DNS rebinding: the page's host names the attacker
    assert rebound.status == 403 and b"Host" in rebound.read()
    with pytest.raises(InvalidStatus) as refused:
        session_socket(port, origin="http://attacker.example")
    assert refused.value.response.status_code == 403
    with pytest.raises(InvalidStatus):
        connect(f"ws://127.0.0.1:{port}/session", additional_headers={"Host": f"attacker.example:{port}"},
                open_timeout=DEADLINE)
    assert get(port, "/secret").status == 404
    with session_socket(port) as ws:  # the page's own origin still gets in
        assert receive_until(ws, lambda m: m["type"] == "hello")


def test_on_the_network_it_needs_the_token(jack_server):
    process, lines = start_jack_play("--view-host", "0.0.0.0", "--view-port", 0, "--mode", "solo", "--no-keep")
    try:
        address = view_address(lines)
        port, token = port_of(address), address.split("token=")[1]
        assert get(port, "/").status == 403
        assert get(port, "/?token=wrong").status == 403
        assert get(port, f"/?token={token}").status == 200
        with pytest.raises(InvalidStatus):
            session_socket(port)
        with session_socket(port, token=token) as ws:
            assert receive_until(ws, lambda m: m["type"] == "hello")
    finally:
        stop(process)


def test_a_page_that_stalls_or_vanishes_changes_nothing(viewed_session):
    process, lines, port = viewed_session
    with session_socket(port, max_queue=1):  # a page that reads nothing from here on
        for _ in range(5):  # pages that come and go
            with session_socket(port) as gone:
                receive_until(gone, lambda m: m["type"] == "hello")
        with session_socket(port) as ws:
            first = receive_until(ws, lambda m: m["type"] == "state" and m["played"] > 0)
            later = receive_until(ws, lambda m: m["type"] == "state" and m["played"] > first["played"] + 8)
            assert later["position"] > first["position"], "the session plays on"
    assert process.poll() is None


def test_a_taken_port_moves_with_a_line_and_a_bad_address_is_refused(jack_server):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        process, lines = start_jack_play("--view-port", busy, "--mode", "solo", "--no-keep")
        try:
            address = view_address(lines)
            assert port_of(address) != busy
            assert any(f"port {busy} is taken" in line for line in lines)
        finally:
            stop(process)
    refused = run_musigan("play", "--view-host", "my-laptop", "--no-keep")
    assert refused.returncode == 2 and "--view-host" in refused.stderr and "Traceback" not in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1
    elsewhere = run_musigan("play", "--api", "jack", "--view-host", "203.0.113.7", "--no-keep")
    assert elsewhere.returncode == 2 and "--view-host 203.0.113.7" in elsewhere.stderr, elsewhere.stderr
