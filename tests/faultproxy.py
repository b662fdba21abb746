"""A fault-injecting OpenAI-compatible proxy, and a scripted upstream, over real loopback sockets.

* `FaultProxy` listens on 127.0.0.1 (a free port) and forwards `/v1/...` to an upstream, except that
  each incoming request first consumes the next queued `Fault` (a status, a reset connection, a slow
  answer, a malformed body, or a rewrite of the upstream's JSON). With no fault left it just forwards.
* `ScriptedUpstream` is a tiny OpenAI-format server that answers queued responses. Those responses
  are HAND-WRITTEN FIXTURES (see `fixtures_openai`), never recorded model output; it stands in for
  the model where the model is not what is being tested. In front of the real llama.cpp server
  (KHULASA_TEST_BASE_URL) the proxy forwards to the model instead.

Both are stdlib `ThreadingHTTPServer`s in daemon threads, loopback only; every wait is bounded and
`close()` stops them (the test fixtures call it), so nothing outlives a test.
"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

Json = dict[str, Any]


@dataclass(frozen=True)
class Fault:
    """What the proxy does with one request instead of (or around) forwarding it.

    Attributes:
        status: Answer this HTTP status (with `headers`/`body`) without forwarding.
        headers: Extra response headers (e.g. Retry-After).
        body: Raw response body for `status`, or for a 200 when `malformed` is set.
        reset: Close the connection with a TCP RST before answering.
        delay: Seconds to sleep before forwarding (a slow upstream).
        rewrite: Forward, then pass the upstream's JSON through this function.
        trickle: Forward, then send the answer one byte every `trickle` seconds (the body only, or
            the status line and headers too with `trickle_head`).
    """

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    reset: bool = False
    delay: float = 0.0
    rewrite: Callable[[Json], Json] | None = None
    trickle: float = 0.0
    trickle_head: bool = False


def status(code: int, headers: dict[str, str] | None = None) -> Fault:
    """An HTTP error in OpenAI's error format."""
    body = json.dumps({"error": {"message": f"injected {code}", "type": "server_error", "code": None}})
    return Fault(status=code, headers=headers or {}, body=body.encode())


def reset() -> Fault:
    """The connection is reset (RST) before any response byte."""
    return Fault(reset=True)


def slow(seconds: float) -> Fault:
    """The upstream answers only after `seconds`."""
    return Fault(delay=seconds)


def malformed() -> Fault:
    """HTTP 200 whose JSON body is cut in the middle."""
    return Fault(
        status=200, body=b'{"id": "chatcmpl-x", "object": "chat.completion", "choices": [{"index": 0, "mes'
    )


def rewrite(fn: Callable[[Json], Json]) -> Fault:
    """Forward, then transform the upstream's JSON answer."""
    return Fault(rewrite=fn)


def trickle(interval: float = 1.0, *, head: bool = False) -> Fault:
    """Forward, then dribble the answer out one byte every `interval` seconds (headers too: `head`)."""
    return Fault(trickle=interval, trickle_head=head)


@dataclass
class Seen:
    """One request as the proxy received it."""

    at: float
    path: str
    body: bytes
    fault: Fault | None

    def json(self) -> Json:
        """The request body as JSON."""
        return json.loads(self.body) if self.body else {}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 512  # a 64-way client must not wait on SYN retries

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that gave up (timeout) or a reset we injected ourselves is expected here.
        pass


class _Base:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = _Server(("127.0.0.1", 0), handler)
        self.server.owner = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05})
        self._thread.daemon = True
        self._thread.start()

    @property
    def base_url(self) -> str:
        """The `/v1` base URL to give the OpenAI client."""
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        """Stop serving and free the port."""
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 60  # never wait forever on a silent client

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, code: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        sent = {k.lower() for k in (headers or {})}
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "content-type" not in sent:
            self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _ProxyHandler(_Handler):
    def do_GET(self) -> None:
        self._handle(b"")

    def do_POST(self) -> None:
        self._handle(self._body())

    def _handle(self, body: bytes) -> None:
        proxy: FaultProxy = self.server.owner  # type: ignore[attr-defined]
        fault = proxy.next_fault()
        if proxy.keep_seen:
            proxy.seen.append(Seen(at=time.monotonic(), path=self.path, body=body, fault=fault))
        if fault is not None and fault.reset:
            # SO_LINGER with a zero timeout turns close() into a TCP RST: a real "connection reset".
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if fault is not None and fault.status is not None:
            self._send(fault.status, fault.body, fault.headers)
            return
        if fault is not None and fault.delay:
            time.sleep(fault.delay)
        code, answer, headers = proxy.forward(self.command, self.path, body)
        if fault is not None and fault.rewrite is not None and code == 200:
            answer = json.dumps(fault.rewrite(json.loads(answer)), ensure_ascii=False).encode("utf-8")
        if fault is not None and fault.trickle:
            self._trickle(code, answer, headers, fault)
            return
        self._send(code, answer, headers)

    def _trickle(self, code: int, body: bytes, headers: dict[str, str], fault: Fault) -> None:
        head = f"HTTP/1.1 {code} OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        self.close_connection = True
        out = head.encode() + body
        start = 0 if fault.trickle_head else len(head)
        try:
            self.wfile.write(out[:start])
            self.wfile.flush()
            for i in range(start, len(out)):
                time.sleep(fault.trickle)
                self.wfile.write(out[i : i + 1])
                self.wfile.flush()
        except OSError:  # the client gave up: that is the point
            return


class FaultProxy(_Base):
    """Forwards to `upstream` (a `/v1` base URL), injecting one queued fault per request.

    With `policy`, a request that finds the queue empty asks it for a fault (or None): the soak
    benchmark draws random faults that way. `keep_seen=False` records counts only (long runs).
    """

    def __init__(
        self,
        upstream: str,
        faults: list[Fault] | None = None,
        *,
        upstream_timeout: float = 600,
        policy: Callable[[], Fault | None] | None = None,
        keep_seen: bool = True,
    ) -> None:
        self.upstream = urlsplit(upstream)
        self.faults: list[Fault] = list(faults or [])
        self.seen: list[Seen] = []
        self.upstream_timeout = upstream_timeout
        self.policy = policy
        self.keep_seen = keep_seen
        self.requests = 0
        self._lock = threading.Lock()
        super().__init__(_ProxyHandler)

    def next_fault(self) -> Fault | None:
        """Pop the next fault, or ask the policy, or None (forward untouched)."""
        with self._lock:
            self.requests += 1
            if self.faults:
                return self.faults.pop(0)
            return self.policy() if self.policy is not None else None

    def forward(self, method: str, path: str, body: bytes) -> tuple[int, bytes, dict[str, str]]:
        """Send the request on to the upstream and return its status, body and content type."""
        conn = http.client.HTTPConnection(
            self.upstream.hostname or "127.0.0.1", self.upstream.port, timeout=self.upstream_timeout
        )
        try:
            conn.request(method, path, body=body or None, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            return (
                response.status,
                data,
                {"Content-Type": response.getheader("Content-Type") or "application/json"},
            )
        except OSError as exc:  # the upstream is gone (e.g. the test already ended): a plain 502
            return 502, json.dumps({"error": {"message": f"proxy: upstream failed: {exc}"}}).encode(), {}
        finally:
            conn.close()


class _UpstreamHandler(_Handler):
    def do_GET(self) -> None:
        self._send(
            200, json.dumps({"object": "list", "data": [{"id": "fixture-model", "object": "model"}]}).encode()
        )

    def do_POST(self) -> None:
        upstream: ScriptedUpstream = self.server.owner  # type: ignore[attr-defined]
        body = self._body()
        upstream.requests.append(json.loads(body) if body else {})
        answer = upstream.next_answer()
        if answer is None:
            self._send(500, b'{"error": {"message": "scripted upstream: no answer left", "type": "fixture"}}')
            return
        self._send(200, json.dumps(answer, ensure_ascii=False).encode("utf-8"))


class ScriptedUpstream(_Base):
    """An OpenAI-format server answering HAND-WRITTEN FIXTURE completions in order (then HTTP 500)."""

    def __init__(self, answers: list[Json]) -> None:
        self.answers = list(answers)
        self.requests: list[Json] = []
        self._lock = threading.Lock()
        super().__init__(_UpstreamHandler)

    def next_answer(self) -> Json | None:
        """Pop the next scripted completion."""
        with self._lock:
            return self.answers.pop(0) if self.answers else None
