"""`musigan play --view`: a page in the browser showing the session as it plays, and its controls.

One small, well-kept library serves it: `websockets` (no dependencies of its own, about 2 MB)
answers the page's one plain HTTP request and then speaks WebSocket on the same port, with the
Origin check built in. The view runs on its own thread with its own event loop; the real-time
thread only hands it events (`live/view_feed.py`), so a page that stalls, vanishes or reconnects
costs the session nothing.

Who may connect (`check_request`):
- it listens on 127.0.0.1 unless told otherwise;
- the Host header must name the address it serves (a DNS-rebinding page in the same browser names
  its own host, and is refused);
- the WebSocket's Origin must be the page's own (another site's page is refused);
- on any address but loopback, every request needs the token printed in the view's address;
- the page may not be framed by another site (X-Frame-Options, frame-ancestors).
"""
from __future__ import annotations

import asyncio
import errno
import hmac
import http
import ipaddress
import json
import secrets
import socket
import threading
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Response

from .view_feed import ViewFeed
from .view_messages import hello, parse_request, plan_message, state

FRAME_SECONDS = 0.05     # the page is sent the notes that changed 20 times a second
STATE_EVERY = 2          # and where the session stands every other frame (its playhead glides between)
HISTORY = 4000           # note changes a page that (re)connects is sent, to draw what it missed
CLIENT_FRAMES = 64       # frames waiting for one page; a page that falls behind loses the oldest
MAX_FRAME = 65536        # past this the connection itself is closed (1009, message too big)
MAX_PAGES = 8
SECURITY_HEADERS = (("X-Frame-Options", "DENY"), ("X-Content-Type-Options", "nosniff"),
                    ("Referrer-Policy", "no-referrer"), ("Cache-Control", "no-store"))


class ViewError(ValueError):
    """The view cannot be served as asked (an address that is not this machine's), in one line."""


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def network_address() -> str:
    """This computer's address on its network (what a tablet beside it opens), or 127.0.0.1 when it
    has none. A UDP socket pointed at a documentation address sends nothing; it only asks the system
    which of its addresses would be used."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
            return probe.getsockname()[0]
        except OSError:
            return "127.0.0.1"


def bind(host: str, port: int) -> tuple[socket.socket, str | None]:
    """A listening socket on `host`:`port`, or on a free port when that one is taken (with the line
    that says so). Raises ViewError for an address this machine does not have."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for attempt in (port, 0):
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, attempt))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE and attempt:
                continue
            raise ViewError(f"--view-host {host}: cannot serve there ({exc.strerror or exc})") from None
        sock.listen(16)
        sock.setblocking(False)
        moved = f"view: port {port} is taken; serving on {sock.getsockname()[1]} instead" if attempt != port else None
        return sock, moved
    raise AssertionError("unreachable: port 0 is always free")


class ViewServer:
    """The view of one session: `bind()` takes its port before anything else starts (so a bad
    address is refused first), `serve(engine, runner)` shows that session, `stop()` ends it."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8765, presets: tuple[str, ...] = (),
                 open_browser: bool = False):
        self.host, self.port, self.presets, self.open_browser = host, port, presets, open_browser
        self.token = None if is_loopback(host) else secrets.token_urlsafe(16)
        self.page = resources.files(__package__).joinpath("view_page.html").read_bytes()
        self.feed = ViewFeed()
        self.engine = self.runner = None
        self.pages: set[asyncio.Queue] = set()
        self.history: list[list] = []
        self.plan: dict = {"type": "plan", "begin": None, "notes": []}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.thread: threading.Thread | None = None
        self.socket: socket.socket | None = None
        self.stopping: asyncio.Event | None = None
        self.moved: str | None = None
        self.page_opened = threading.Event()

    # --- where -------------------------------------------------------------------------------------
    def bind(self) -> None:
        """Take the port (another free one when it is taken). Raises ViewError."""
        self.socket, self.moved = bind(self.host, self.port)
        self.port = self.socket.getsockname()[1]

    def serve(self, engine, runner) -> list[str]:
        """Show this session; returns the lines to print (where the page is; a port that moved)."""
        self.engine, self.runner = engine, runner
        ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, args=(ready,), name="musigan view", daemon=True)
        self.thread.start()
        ready.wait(10)
        lines = ([self.moved] if self.moved else []) + [f"view: {self.address}"]
        if self.open_browser:
            import webbrowser

            if not webbrowser.open(self.address):
                lines.append("view: no browser could be opened here; open the address above in one")
        return lines

    @property
    def address(self) -> str:
        shown = network_address() if self.host in ("0.0.0.0", "::") else self.host
        shown = f"[{shown}]" if ":" in shown else shown
        return f"http://{shown}:{self.port}/" + (f"?token={self.token}" if self.token else "")

    def stop(self) -> None:
        if self.loop is not None and self.stopping is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.stopping.set)
        if self.thread is not None:
            self.thread.join(5)
        elif self.socket is not None:  # bound, never served (the ports would not open)
            self.socket.close()

    # --- who may connect ---------------------------------------------------------------------------
    def check_request(self, headers, path: str) -> str | None:
        """Why a request is refused (None: it may go on): its Host, its Origin, its token."""
        host = headers.get("Host", "")
        if self.token is None:
            allowed = {f"{name}:{self.port}" for name in ("127.0.0.1", "localhost", "[::1]")}
            if host not in allowed:
                return f"Host {host!r} is not this view's address"
        else:
            given = parse_qs(urlsplit(path).query).get("token", [""])[0]
            if not hmac.compare_digest(given.encode(), self.token.encode()):
                return "this view needs the token printed in its address"
        origin = headers.get("Origin")
        if origin is not None and origin != f"http://{host}":
            return f"Origin {origin!r} is not this view's page"
        return None

    def process_request(self, connection, request):
        path = urlsplit(request.path).path
        if path not in ("/", "/session"):
            return self._response(http.HTTPStatus.NOT_FOUND, b"not found", "text/plain; charset=utf-8")
        refusal = self.check_request(request.headers, request.path)
        if refusal:
            return self._response(http.HTTPStatus.FORBIDDEN, refusal.encode(), "text/plain; charset=utf-8")
        if path == "/" and "upgrade" not in request.headers.get("Connection", "").lower():
            return self._response(http.HTTPStatus.OK, self.page, "text/html; charset=utf-8",
                                  request.headers.get("Host", ""))
        if path == "/" or len(self.pages) >= MAX_PAGES:
            return self._response(http.HTTPStatus.FORBIDDEN, b"no more pages", "text/plain; charset=utf-8")
        return None  # the WebSocket handshake goes on

    @staticmethod
    def _response(status: http.HTTPStatus, body: bytes, kind: str, host: str = "") -> Response:
        policy = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
                  f"connect-src 'self' ws://{host}; frame-ancestors 'none'")
        headers = Headers([("Content-Type", kind), ("Content-Length", str(len(body))), ("Connection", "close"),
                           ("Content-Security-Policy", policy), *SECURITY_HEADERS])
        return Response(status.value, status.phrase, headers, body)

    # --- serving -----------------------------------------------------------------------------------
    def _serve(self, ready: threading.Event) -> None:
        self.loop = asyncio.new_event_loop()
        try:
            self.loop.run_until_complete(self._main(ready))
        finally:
            self.loop.close()

    async def _main(self, ready: threading.Event) -> None:
        self.stopping = asyncio.Event()
        async with serve(self._page, sock=self.socket, process_request=self.process_request,
                         max_size=MAX_FRAME, compression=None, server_header=None):
            ready.set()
            frames = asyncio.create_task(self._frames())
            await self.stopping.wait()
            frames.cancel()

    async def _frames(self) -> None:
        """Every FRAME_SECONDS: what the session handed over, and where it stands, to every page (with
        no page open, only the history a page will be sent when it opens is kept)."""
        frame = 0
        while True:
            messages = self._messages(self.feed.take())
            if self.pages:
                for message in messages + self._state_now(frame):
                    for queue in self.pages:
                        offer(queue, message)
            frame += 1
            await asyncio.sleep(FRAME_SECONDS)

    def _state_now(self, frame: int) -> list[dict]:
        """Where the session stands, every STATE_EVERY frames. It is read while the real-time thread
        runs on: a read caught mid-change (a preset swapped in) skips one frame, never the view."""
        if frame % STATE_EVERY:
            return []
        try:
            return [state(self.engine, self.runner.clock)]
        except (AttributeError, KeyError, IndexError, ValueError, TypeError):
            return []

    def _messages(self, events: list) -> list[dict]:
        """Events as messages, in the order they happened: note changes together until a plan."""
        messages: list[dict] = []
        for event in events:
            if event[0] == "note":
                if not messages or messages[-1]["type"] != "notes":
                    messages.append({"type": "notes", "events": []})
                messages[-1]["events"].append(list(event[1:]))
                self.history.append(list(event[1:]))
            else:
                self.plan = plan_message(*event[1:])
                messages.append(self.plan)
        del self.history[:-HISTORY]
        return messages

    async def _page(self, connection) -> None:
        """One page: the session so far, then every frame, while its messages are read and acted on."""
        queue: asyncio.Queue = asyncio.Queue(CLIENT_FRAMES)
        for message in (hello(self.engine, self.presets), {"type": "notes", "events": self.history}, self.plan):
            offer(queue, message)
        self.pages.add(queue)
        self.page_opened.set()
        sender = asyncio.create_task(send_all(connection, queue))
        try:
            async for raw in connection:
                reply = self.act(raw)
                if reply is not None:
                    offer(queue, reply)
        except ConnectionClosed:
            pass
        finally:
            self.pages.discard(queue)
            sender.cancel()

    def act(self, raw) -> dict | None:
        """A page's message: a knob turned or a preset picked (handed to the real-time loop), or an
        error frame saying what was wrong with it; nothing else changes."""
        request = parse_request(raw, self.presets)
        if isinstance(request, str):
            return {"type": "error", "error": request}
        self.feed.ask(request)
        return None

def offer(queue: asyncio.Queue, message: dict) -> None:
    """Queue a frame for a page; when the page has fallen behind, its oldest frame gives way."""
    if queue.full():
        queue.get_nowait()
    queue.put_nowait(message)


async def send_all(connection, queue: asyncio.Queue) -> None:
    try:
        while True:
            await connection.send(json.dumps(await queue.get(), separators=(",", ":")))
    except ConnectionClosed:
        pass
