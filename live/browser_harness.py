"""A real headless Chromium, driven over its DevTools protocol, for the tests and benches that look at
the live view as a player's browser does (`live/view_page.html`), and the screenshot in the README.

It speaks the protocol through the same `websockets` library the view is served with, so it needs
nothing the player's install lacks but the browser itself (Debian's `chromium`).
"""
from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

from websockets.sync.client import connect

BINARIES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
START_SECONDS = 60   # a cold Chromium on a busy machine takes seconds


def find_chromium() -> str | None:
    return next((found for name in BINARIES if (found := shutil.which(name))), None)


class BrowserError(RuntimeError):
    """The browser would not start, or a page's script failed."""


class HeadlessChromium:
    """One headless Chromium with one page: `open(url)`, `evaluate(js)`, `wait_for(js)`, `screenshot`."""

    def __init__(self, width: int = 1280, height: int = 860):
        binary = find_chromium()
        if binary is None:
            raise BrowserError(f"no Chromium found (looked for {', '.join(BINARIES)}): `apt-get install chromium`")
        self.profile = tempfile.mkdtemp(prefix="musigan-chromium-")
        flags = ["--headless=new", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                 "--disable-extensions", "--remote-debugging-port=0", f"--window-size={width},{height}",
                 f"--user-data-dir={self.profile}", "--hide-scrollbars"]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            flags.append("--no-sandbox")  # Chromium's sandbox refuses to run as root (a CI box, a container)
        self.process = subprocess.Popen([binary, *flags, "about:blank"], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        threading.Thread(target=lambda: self.lines.extend(iter(self.process.stderr.readline, "")),
                         daemon=True).start()
        self.connection = contextlib.ExitStack()
        self.socket = self.connection.enter_context(
            connect(self._page_endpoint(), max_size=None, open_timeout=START_SECONDS))
        self.calls = 0

    def _page_endpoint(self) -> str:
        deadline = time.time() + START_SECONDS
        while time.time() < deadline:
            found = [m.group(1) for line in self.lines if (m := re.search(r"DevTools listening on (ws://\S+)", line))]
            if found:
                break
            if self.process.poll() is not None:
                raise BrowserError("Chromium exited: " + "".join(self.lines[-5:]))
            time.sleep(0.05)
        else:
            self.close()
            raise BrowserError(f"Chromium did not start within {START_SECONDS} s")
        port = re.search(r":(\d+)/", found[0]).group(1)
        import urllib.request

        while time.time() < deadline:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as answer:
                pages = [t for t in json.load(answer) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            time.sleep(0.1)
        raise BrowserError("Chromium opened no page")

    def call(self, method: str, **params) -> dict:
        """One DevTools command and its result (events that arrive meanwhile are passed over)."""
        self.calls += 1
        self.socket.send(json.dumps({"id": self.calls, "method": method, "params": params}))
        while True:
            reply = json.loads(self.socket.recv(timeout=START_SECONDS))
            if reply.get("id") == self.calls:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})

    def open(self, url: str) -> None:
        self.call("Page.navigate", url=url)
        self.wait_for("document.readyState === 'complete'")

    def evaluate(self, expression: str):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise BrowserError(f"{expression}: {result['exceptionDetails'].get('text')} "
                               f"{result['exceptionDetails'].get('exception', {}).get('description', '')}")
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 60.0):
        """The expression's value once it is truthy (polled); BrowserError past the timeout."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise BrowserError(f"waited {timeout:g} s for {expression}")

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", format="png")["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def close(self) -> None:
        with contextlib.suppress(AttributeError, OSError):
            self.connection.close()
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)

    def __enter__(self) -> HeadlessChromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
