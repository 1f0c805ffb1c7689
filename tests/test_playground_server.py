"""neurx.playground's HTTP server, spoken to over real sockets on 127.0.0.1 (no browser)."""
import http.client
import json
import time

import pytest

from neurx.cli import build_parser, main
from neurx.playground.server import PlaygroundServer


@pytest.fixture
def server():
    server = PlaygroundServer(port=0, max_sessions=2, keepalive=0.2, idle_timeout=30, fps=100)
    server.start()
    yield server
    server.stop()


def _connect(server):
    return http.client.HTTPConnection(*server.server_address[:2], timeout=60)


def _request(server, method, path, body=None, raw=None):
    conn = _connect(server)
    try:
        data = raw if raw is not None else None if body is None else json.dumps(body).encode()
        conn.request(method, path, body=data, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        payload = response.read()
        kind = response.getheader("Content-Type")
        return response.status, json.loads(payload) if kind == "application/json" else payload
    finally:
        conn.close()


def _wait_until(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


class _Stream:
    """A client of one session's server-sent events."""

    def __init__(self, server, session_id):
        self.conn = _connect(server)
        self.conn.request("GET", f"/api/sessions/{session_id}/events")
        self.response = self.conn.getresponse()

    def next_event(self):
        name, data = None, None
        while True:
            line = self.response.fp.readline().decode()
            if not line:
                raise EOFError("the stream ended")
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[len("event: "):]
            elif line.startswith("data: "):
                data = json.loads(line[len("data: "):])
            elif line == "" and name is not None:
                return name, data

    def close(self):
        self.response.close()
        self.conn.close()


def test_the_page_and_its_files_are_served(server):
    status, page = _request(server, "GET", "/")
    assert status == 200 and b"<title>neurx playground</title>" in page
    for name in ("playground.js", "playground.css", "favicon.svg"):
        status, body = _request(server, "GET", f"/static/{name}")
        assert status == 200 and len(body) > 100
    status, payload = _request(server, "GET", "/static/../server.py")
    assert status == 404 and "No such file" in payload["error"]
    status, payload = _request(server, "GET", "/nowhere")
    assert status == 404 and payload["error"] == "No such page: /nowhere"
    status, options = _request(server, "GET", "/api/options")
    assert status == 200 and options["max_layers"] == 6


def test_bad_requests_get_json_errors_and_the_server_keeps_serving(server):
    status, created = _request(server, "POST", "/api/sessions", {"dataset": "xor"})
    assert status == 201 and created["params"]["dataset"] == "xor"
    sid = created["id"]
    cases = [
        ({"activation": "relux"}, None, 400, "Did you mean 'relu'"),
        ({"learning_rate": -1}, None, 400, "learning_rate: expected a number above 0"),
        ({"hidden": [4] * 100}, None, 400, "at most 6 hidden layer sizes"),
        ({"batch_size": "ten"}, None, 400, "batch_size: expected a whole number"),
        (None, b"{not json", 400, "not valid JSON"),
        (None, b"[1, 2]", 400, "must be a JSON object"),
        (None, b'{"noise": NaN}', 400, "noise: expected a number"),
        (None, b"x" * 20000, 413, "too large"),
    ]
    for body, raw, code, message in cases:
        status, payload = _request(server, "POST", f"/api/sessions/{sid}/params", body, raw)
        assert status == code and message in payload["error"], (body, raw, payload)
    status, payload = _request(server, "POST", f"/api/sessions/{sid}/control", {"action": "fly"})
    assert status == 400 and "Unknown playground action 'fly'" in payload["error"]
    status, payload = _request(server, "POST", f"/api/sessions/{sid}/control", {})
    assert status == 400 and 'needs an "action"' in payload["error"]
    status, payload = _request(server, "POST", "/api/sessions/0123abcd/params", {"noise": 5})
    assert status == 404 and "No open playground session" in payload["error"]
    status, payload = _request(server, "POST", "/api/sessions", {"hidden": [0]})
    assert status == 400 and "hidden" in payload["error"] and len(server.registry) == 1
    # still serving, and the session is unchanged
    status, result = _request(server, "POST", f"/api/sessions/{sid}/params", {"noise": 10})
    assert status == 200 and result["params"]["noise"] == 10 and result["touched"] == "data"
    assert result["params"]["learning_rate"] == 0.03


def test_sessions_are_bounded(server):
    first = _request(server, "POST", "/api/sessions")[1]["id"]
    _request(server, "POST", "/api/sessions")
    status, payload = _request(server, "POST", "/api/sessions")
    assert status == 503 and "Too many playground sessions" in payload["error"]
    assert _request(server, "POST", f"/api/sessions/{first}/close")[1] == {"closed": True}
    assert _request(server, "POST", "/api/sessions")[0] == 201


def test_the_stream_trains_while_playing_and_a_closed_tab_frees_its_session(server):
    sid = _request(server, "POST", "/api/sessions", {"dataset": "xor"})[1]["id"]
    other = _request(server, "POST", "/api/sessions")[1]["id"]
    stream = _Stream(server, sid)
    try:
        assert stream.response.getheader("Content-Type") == "text/event-stream"
        name, setup = stream.next_event()
        assert name == "setup" and setup["layer_sizes"] == [2, 4, 2, 1]
        name, frame = stream.next_event()
        assert name == "frame" and frame["epoch"] == 0 and not frame["playing"]
        assert _request(server, "POST", f"/api/sessions/{sid}/control",
                        {"action": "play"})[1]["playing"]
        epochs = [stream.next_event()[1]["epoch"] for _ in range(5)]
        assert epochs == sorted(epochs) and epochs[-1] >= 4
        status, result = _request(server, "POST", f"/api/sessions/{sid}/params", {"hidden": [3]})
        assert status == 200 and result["touched"] == "network"
        names = []
        while "setup" not in names:
            names.append(stream.next_event()[0])
        status, code = _request(server, "GET", f"/api/sessions/{sid}/code")
        assert status == 200 and "keras.layers.Dense(3, activation='tanh')" in code["code"]
    finally:
        stream.close()
    assert _wait_until(lambda: sid not in server.registry.ids())
    assert server.registry.ids() == [other]        # the other tab keeps its session
    status, payload = _request(server, "GET", f"/api/sessions/{sid}/code")
    assert status == 404 and "Reload the page" in payload["error"]


def test_a_silent_session_is_reaped():
    server = PlaygroundServer(port=0, idle_timeout=0.3).start()
    try:
        _request(server, "POST", "/api/sessions")
        assert len(server.registry) == 1
        assert _wait_until(lambda: len(server.registry) == 0, timeout=10)
    finally:
        server.stop()


def test_cli_has_a_playground_command(capsys):
    args = build_parser().parse_args(["playground", "--port", "0", "--no-browser"])
    assert args.port == 0 and args.no_browser and args.max_sessions == 8
    assert main(["playground", "--port", "70000", "--no-browser"]) == 1
    assert "port must be from 0 to 65535" in capsys.readouterr().err
