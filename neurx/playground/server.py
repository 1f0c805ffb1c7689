"""The playground's web server: the page, a small JSON API, and one event stream per tab.

What this module owns: HTTP on 127.0.0.1 with the standard library (`ThreadingHTTPServer`, one
thread per connection). The page's static files come from the package. Each page load creates
a session (`POST /api/sessions`) and opens its server-sent-event stream
(`GET /api/sessions/<id>/events`); that stream's thread trains the session while it plays and
sends a frame per epoch (at most `fps` a second). When the stream's connection breaks (the tab
closed) the session is freed; a reaper thread frees sessions silent for `idle_timeout`. Every
client error is answered with `{"error": message}` and a 4xx status; nothing a client sends
stops the server.

API: `POST /api/sessions` (optional settings) -> `{id, params, options}`;
`POST /api/sessions/<id>/params` (settings to change) -> `{params, touched}`;
`POST /api/sessions/<id>/control` `{"action": "play" | "pause" | "step" | "reset" |
"regenerate"}`; `GET /api/sessions/<id>/code` -> `{code}`; `POST /api/sessions/<id>/close`.

>>> server = PlaygroundServer(port=0)
>>> server.url.startswith("http://127.0.0.1:")
True
>>> server.server_close()
"""
from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import traceback
import webbrowser
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from neurx.playground import params as params_lib
from neurx.playground.params import ParameterError
from neurx.playground.registry import ACTIONS, Registry, RegistryFull, SessionClosed, UnknownSession

STATIC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "static")
_CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                  ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
_MAX_BODY = 16 * 1024
_SESSION_PATH = re.compile(r"^/api/sessions/([0-9a-f]{1,64})/(events|params|control|code|close)$")


class ClientError(Exception):
    """A request the server refuses: sent back as `{"error": message}` with `status`.

    >>> ClientError(HTTPStatus.NOT_FOUND, "No such page: /x").status
    <HTTPStatus.NOT_FOUND: 404>
    """

    def __init__(self, status: HTTPStatus, message: str):
        super().__init__(message)
        self.status = status


def options() -> dict:
    """The vocabularies and limits the page builds its controls from.

    >>> options()["activations"]
    ['relu', 'tanh', 'sigmoid', 'linear']
    """
    return {"datasets": list(params_lib.DATASETS), "features": list(params_lib.FEATURES),
            "activations": list(params_lib.ACTIVATIONS),
            "regularizations": list(params_lib.REGULARIZATIONS),
            "max_layers": params_lib.MAX_LAYERS, "max_neurons": params_lib.MAX_NEURONS,
            "defaults": params_lib.Params().to_json()}


class _Handler(BaseHTTPRequestHandler):
    server: PlaygroundServer
    protocol_version = "HTTP/1.1"

    # ------------------------------------------------------------------ plumbing
    def log_message(self, format, *args):   # noqa: A002 (the base class's name)
        if self.server.verbose:
            super().log_message(format, *args)

    def _send(self, status: HTTPStatus, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: HTTPStatus, payload: dict) -> None:
        self._send(status, json.dumps(payload).encode(), "application/json")

    def _body(self) -> dict:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise ClientError(HTTPStatus.BAD_REQUEST, "Invalid Content-Length header.") from None
        if length > _MAX_BODY:
            if length <= 64 * _MAX_BODY:     # read it, so that the answer reaches the client
                self.rfile.read(length)
            raise ClientError(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                              f"The request body is too large ({length} bytes; the limit is "
                              f"{_MAX_BODY}).")
        raw = self.rfile.read(length) if length > 0 else b""
        if not raw.strip():
            return {}
        try:
            body = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as err:
            raise ClientError(HTTPStatus.BAD_REQUEST,
                              f"The request body is not valid JSON: {err}.") from None
        if not isinstance(body, dict):
            raise ClientError(HTTPStatus.BAD_REQUEST, "The request body must be a JSON object. "
                              f"Received: {raw[:60].decode(errors='replace')}")
        return body

    def _dispatch(self, route) -> None:
        try:
            route()
            return
        except ClientError as err:
            self._json(err.status, {"error": str(err)})
        except ParameterError as err:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(err)})
        except UnknownSession as err:
            self._json(HTTPStatus.NOT_FOUND, {"error": str(err)})
        except RegistryFull as err:
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(err)})
        except (TimeoutError, BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception as err:   # a bug: report it, keep serving
            traceback.print_exc(file=sys.stderr)
            self._json(HTTPStatus.INTERNAL_SERVER_ERROR,
                       {"error": f"Internal error in the playground server: "
                                 f"{type(err).__name__}: {err}"})
        self.close_connection = True    # the request's body may be unread

    # ------------------------------------------------------------------ routes
    def do_GET(self):
        self._dispatch(self._get)

    def do_POST(self):
        self._dispatch(self._post)

    def _path(self) -> str:
        return self.path.split("?", 1)[0]

    def _get(self) -> None:
        path = self._path()
        if path in ("/", "/index.html"):
            return self._static("index.html")
        if path.startswith("/static/"):
            return self._static(path[len("/static/"):])
        if path == "/api/options":
            return self._json(HTTPStatus.OK, options())
        match = _SESSION_PATH.match(path)
        if match and match.group(2) == "events":
            return self._events(self.server.registry.get(match.group(1)))
        if match and match.group(2) == "code":
            live = self.server.registry.get(match.group(1))
            return self._json(HTTPStatus.OK, {"code": live.code()})
        raise ClientError(HTTPStatus.NOT_FOUND, f"No such page: {path}")

    def _post(self) -> None:
        path, body = self._path(), self._body()
        if path == "/api/sessions":
            live = self.server.registry.create(body or None)
            return self._json(HTTPStatus.CREATED, {"id": live.id, "options": options(),
                                                   "params": live.session.params.to_json()})
        match = _SESSION_PATH.match(path)
        if not match or match.group(2) in ("events", "code"):
            raise ClientError(HTTPStatus.NOT_FOUND, f"No such API endpoint: POST {path}")
        session_id, what = match.groups()
        if what == "close":
            return self._json(HTTPStatus.OK, {"closed": self.server.registry.close(session_id)})
        live = self.server.registry.get(session_id)
        if what == "params":
            return self._json(HTTPStatus.OK, live.update(body))
        if "action" not in body:
            raise ClientError(HTTPStatus.BAD_REQUEST, 'A control request needs an "action": one '
                              f"of {', '.join(ACTIONS)}. Received: {json.dumps(body)[:60]}")
        return self._json(HTTPStatus.OK, live.control(body["action"]))

    def _static(self, name: str) -> None:
        path = os.path.join(STATIC_DIR, name)
        if not re.fullmatch(r"[a-z0-9_-]+\.[a-z]+", name) or not os.path.isfile(path):
            raise ClientError(HTTPStatus.NOT_FOUND, f"No such file: {name}")
        with open(path, "rb") as f:
            body = f.read()
        self._send(HTTPStatus.OK, body, _CONTENT_TYPES.get(os.path.splitext(name)[1],
                                                           "application/octet-stream"))

    def _events(self, live) -> None:
        """The session's server-sent events: "setup" and "frame" (see `LiveSession`)."""
        registry, server = self.server.registry, self.server
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        self.close_connection = True
        self.connection.settimeout(server.write_timeout)   # a stuck tab is a closed tab
        token = registry.attach(live)
        seen, next_frame = None, 0.0
        try:
            self.wfile.write(b"retry: 2000\n\n")
            while not server.stopping.is_set() and live.stream is token:
                update = live.next_update(seen, timeout=server.keepalive)
                if update is None:
                    self.wfile.write(b": keepalive\n\n")
                else:
                    seen, events = update
                    self.wfile.write(b"".join(
                        f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()
                        for name, data in events))
                self.wfile.flush()
                live.touch()
                if live.playing:        # pace the frames
                    next_frame = max(next_frame + 1.0 / server.fps, time.monotonic())
                    server.stopping.wait(max(0.0, next_frame - time.monotonic()))
        except (TimeoutError, BrokenPipeError, ConnectionResetError, SessionClosed):
            pass
        except Exception as err:   # a bug while training: tell the tab, keep serving
            traceback.print_exc(file=sys.stderr)
            message = json.dumps({"error": f"The session stopped: {type(err).__name__}: {err}"})
            try:
                self.wfile.write(f"event: failure\ndata: {message}\n\n".encode())
            except OSError:
                pass
        finally:
            registry.detach(live, token)


class PlaygroundServer(ThreadingHTTPServer):
    """The playground's HTTP server (see the module doc), bound to `host:port`.

    Args:
        port: the port; 0 picks a free one (read it back from `url`).
        host: the interface, 127.0.0.1 (this machine only) by default.
        max_sessions: sessions open at once (one per tab).
        idle_timeout: seconds of silence after which a session is freed.
        fps: most frames a second sent to a playing tab (one epoch each).
        keepalive: seconds between keep-alive comments on an idle stream.
        verbose: log every request to stderr.

    `start()` serves from background threads (tests, notebooks); `serve()` blocks.

    >>> import json, urllib.request
    >>> server = PlaygroundServer(port=0).start()
    >>> request = urllib.request.Request(server.url + "api/sessions", data=b"{}", method="POST")
    >>> with urllib.request.urlopen(request) as response:
    ...     created = json.load(response)
    >>> created["params"]["hidden"], len(server.registry)
    ([4, 2], 1)
    >>> server.stop()
    """

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port: int = 0, host: str = "127.0.0.1", *, max_sessions: int = 8,
                 idle_timeout: float = 30.0, fps: float = 30.0, keepalive: float = 5.0,
                 verbose: bool = False, registry: Registry | None = None):
        super().__init__((host, port), _Handler)
        self.registry = registry or Registry(max_sessions, idle_timeout)
        self.fps, self.keepalive, self.verbose = float(fps), float(keepalive), verbose
        self.write_timeout = max(10.0, 2 * self.keepalive)
        self.stopping = threading.Event()
        self._workers: list[threading.Thread] = []

    @property
    def url(self) -> str:
        """The page's address, e.g. `http://127.0.0.1:8765/` (see the class's example)."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"

    def _reap_forever(self) -> None:
        interval = max(0.05, min(5.0, self.registry.idle_timeout / 4))
        while not self.stopping.wait(interval):
            self.registry.reap()

    def start(self) -> PlaygroundServer:
        """Serves from daemon threads and returns at once; `stop()` ends it (see the class's
        example)."""
        for target in (self.serve_forever, self._reap_forever):
            thread = threading.Thread(target=target, daemon=True, name=f"playground-{target.__name__}")
            thread.start()
            self._workers.append(thread)
        return self

    def stop(self) -> None:
        """Closes every session and stops serving (see the class's example)."""
        self.stopping.set()
        self.registry.close_all()
        self.shutdown()
        self.server_close()
        for thread in self._workers:
            thread.join(timeout=5)


def serve(port: int = 8765, open_browser: bool = True, **kwargs) -> None:
    """Runs the playground on http://127.0.0.1:`port`/ until Ctrl-C (what `neurx playground`
    does); `kwargs` go to `PlaygroundServer`.

    >>> serve(port=70000)
    Traceback (most recent call last):
    ...
    ValueError: The playground's port must be from 0 to 65535 (0: any free port). Received: port=70000
    """
    if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
        raise ValueError("The playground's port must be from 0 to 65535 (0: any free port). "
                         f"Received: port={port!r}")
    server = PlaygroundServer(port, **kwargs)
    server.start()
    print(f"neurx playground: {server.url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        webbrowser.open(server.url)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        print("\nneurx playground: stopped.")
    finally:
        server.stop()
