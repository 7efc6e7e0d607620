"""The live view in a real headless Chromium (Debian's `chromium`), during `musigan play --demo --view`
over JACK: the notes played are drawn, respond's answer is drawn ahead of the playhead before it
sounds, and a slider and a button moved with the mouse change what the companion does."""
import os
import time

import pytest
from musigan.live.browser_harness import HeadlessChromium, find_chromium
from support import DEADLINE, start_jack_play, view_address

# `.ci/run` installs Chromium and sets this: there a browser test that skips is a failure.
REQUIRE_BROWSER = os.environ.get("MUSIGAN_REQUIRE_BROWSER") == "1"

# the colour at the middle of the last frame's note that `pick` chooses, read in the same task as
# that frame's record of what it drew (the next frame may scroll, or widen the pitch range)
PIXEL = """(() => {{ const v = window.musiganView, n = {pick};
  const c = document.getElementById('roll'), r = window.devicePixelRatio || 1;
  const d = c.getContext('2d').getImageData(Math.round((n.x0 + n.x1) / 2 * r), Math.round(n.y * r), 1, 1).data;
  return [d[0], d[1], d[2]]; }})()"""
BACKGROUND = ([16, 18, 22], [21, 24, 30])  # the roll's two row shades


@pytest.fixture
def browser():
    if find_chromium() is None:
        reason = "Chromium is not installed (`apt-get install chromium`): the view's browser test needs it"
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    with HeadlessChromium() as chromium:
        yield chromium


def click(browser, element_id: str, at: float = 0.5) -> None:
    """Press and release the mouse on an element, `at` of the way across it, as a player does."""
    box = browser.evaluate(f"(() => {{ const r = document.getElementById('{element_id}').getBoundingClientRect();"
                           " return [r.left, r.top, r.width, r.height]; })()")
    x, y = box[0] + box[2] * at, box[1] + box[3] / 2
    for kind in ("mousePressed", "mouseReleased"):
        browser.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)


def test_the_view_draws_the_demo_and_its_plan_and_its_controls_act(jack_server, browser, tmp_path):
    process, lines = start_jack_play("--demo", "--view", "--view-port", 0, "--mode", "respond", "--seed", 3,
                                     "--record", tmp_path / "demo.mid")
    try:
        browser.open(view_address(lines))
        browser.wait_for("window.musiganView.connected", DEADLINE)
        view = "window.musiganView"

        # the player's notes, and then respond's answer planned ahead of the playhead, before it sounds
        plan = browser.wait_for(f"{view}.plan.length > 0 && {view}.plan.some(n => n.x0 > {view}.playheadX + 20)"
                                f" && {{plan: {view}.plan, head: {view}.playheadX}}", DEADLINE)
        assert all(note["x1"] > plan["head"] for note in plan["plan"]), "only what is still to come is drawn as plan"
        ahead = "v.plan.reduce((a, b) => (b.x0 > a.x0 ? b : a))"
        assert browser.evaluate(PIXEL.format(pick=ahead)) not in BACKGROUND, "the plan is drawn, not only listed"
        drawn = browser.wait_for(f"{view}.drawn.some(n => n.who === 'player') && "
                                 f"{view}.drawn.some(n => n.who === 'companion') && {view}.drawn", DEADLINE)
        assert any(note["who"] == "player" for note in drawn)
        player = "v.drawn.filter(n => n.who === 'player').reduce((a, b) => (b.x1 - b.x0 > a.x1 - a.x0 ? b : a))"
        assert browser.evaluate(PIXEL.format(pick=player)) == [242, 177, 52], "your notes are drawn in amber"

        # the temperature slider, clicked near its right end, turns the companion's temperature knob
        click(browser, "knob-temperature", at=0.98)
        browser.wait_for(f"{view}.sent.some(m => m.name === 'temperature' && m.value > 110)", DEADLINE)
        deadline = time.time() + DEADLINE
        while not any(line.startswith("temperature 1.") or line.startswith("temperature 2") for line in lines):
            assert time.time() < deadline, "the session never heard the slider: " + "".join(lines)
            time.sleep(0.05)

        # the mode's solo button: the companion plays on by itself, and the page says so
        click(browser, "mode-solo")
        browser.wait_for("document.getElementById('mode').textContent === 'solo'", DEADLINE)
        before = browser.evaluate("window.musiganView.companionNotes")
        browser.wait_for(f"{view}.companionNotes > {before} + 3", DEADLINE)
    finally:
        process.terminate()
        process.wait(DEADLINE)


def test_the_harmonized_demo_scrolls_by(jack_server, browser, tmp_path):
    """`musigan play --demo --view` as a new user runs it: the chorale's melody and the voices under it
    drawn, moving left as the playhead goes on."""
    process, lines = start_jack_play("--demo", "--view", "--view-port", 0, "--record", tmp_path / "demo.mid")
    try:
        browser.open(view_address(lines))
        view = "window.musiganView"
        first = browser.wait_for(f"{view}.drawn.filter(n => n.who === 'companion').length >= 6 && "
                                 f"{view}.drawn.some(n => n.who === 'player') && "
                                 f"{{note: {view}.drawn.find(n => n.who === 'player'), at: {view}.position}}", DEADLINE)
        assert browser.evaluate("document.getElementById('mode').textContent") == "harmonize"
        voices = browser.evaluate(f"[...new Set({view}.drawn.filter(n => n.who === 'companion').map(n => n.y))].length")
        assert voices >= 3, "the voices under the melody are drawn on their own rows"
        note = first["note"]
        later = browser.wait_for(f"{view}.position > {first['at']} + 4 && {view}.drawn.find(n => n.who === 'player' "
                                 f"&& n.pitch === {note['pitch']} && n.start === {note['start']})", DEADLINE)
        assert later["x0"] < note["x0"], "the roll scrolls: a note drawn moves left as the playhead goes on"
    finally:
        process.terminate()
        process.wait(DEADLINE)
