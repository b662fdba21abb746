"""A local OpenAI-compatible server for batch tests and benchmarks. Its answers are FIXTURES.

Nothing here was recorded from a model. The "model" is a few lines of code that write an authored
briefing from the numbered sentences of the prompt it receives, quoting them verbatim so the
briefing grounds (`fixture_briefing`). On top of that the server can:

* answer after a fixed latency (`latency_s`) — the throughput benchmark;
* inject faults on a deterministic fraction of calls (`fault_rate`, `seed`): 429 with Retry-After,
  500, connection reset (RST), a hang longer than the client's timeout, and (`faults=` including
  "trickle") an answer sent one byte every `trickle_s` seconds. The decision depends only on (seed,
  prompt, how many times this prompt was seen), so it does not depend on request order; "bomb"
  answers tool arguments nested 100,000 deep, "echo_auth" a 401 repeating the Authorization header;
* bill what it serves: every answer it generates (hung and trickled ones included, as a provider
  bills tokens it generated for a client that went away) adds its usage to `billed_prompt` /
  `billed_completion`; `usage=False` leaves `usage` out of the answers (an unmetered endpoint);
* always fail (HTTP 500) for prompts containing `POISON` — items whose failure a test can predict;
* implement the Files and Batches endpoints of OpenAI's published API reference (create file,
  retrieve file and its content, create batch, retrieve batch with status validating → in_progress →
  completed, output_file_id / error_file_id) with the same fixture "model" answering each line.

Run standalone for benchmarks: `python -m tests.servers.fake_openai --port 0 --latency 0.2`.
"""

from __future__ import annotations

import argparse
import contextlib
import email
import email.policy
import hashlib
import json
import random
import re
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

POISON = "عطل-دائم-للاختبار"
"""An Arabic marker: a prompt containing it always gets HTTP 500 (a predictable permanent failure)."""

_SENTENCE_RE = re.compile(r"^\[(\d+)\] (.*)$", re.MULTILINE)
FABRICATED_QUOTE = "هذه الجملة لم ترد في المقال على الإطلاق ولا يمكن العثور عليها"


def _sentences(messages: list[dict[str, Any]]) -> list[str]:
    user = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "")
    return [m.group(2) for m in _SENTENCE_RE.finditer(user)]


_VERB_RE = re.compile(r"(?:^|\s)(?:و?قال|و?قالت|و?أكد|و?أكدت|و?أعلنت|و?نفى)\s+(\S+\s+\S+)")


def _fixture_speaker(sentence: str) -> str:
    m = _VERB_RE.search(sentence)
    return m.group(1) if m else "غير معروف"


def fixture_briefing(sentences: list[str], *, fabricated_claim: bool = False) -> dict[str, Any]:
    """An AUTHORED BriefingDraft built from the prompt's sentences (quoted verbatim, so it grounds).

    Claims: every sentence containing «…» or قال (at most 5), quoting its first 300 characters, with
    the two words after its first reporting verb as the speaker (words of the article, so the
    attribution rules keep the claim), or «غير معروف» (an unresolved speaker) when it has no verb;
    with `fabricated_claim`, one more claim whose quote is not in the article.
    """
    first = sentences[0] if sentences else "خبر"
    claims = [
        {
            "speaker_ar": _fixture_speaker(s),
            "speaker_en": "The spokesperson",
            "speaker_role": None,
            "kind": "statement",
            "claim_ar": s[:200],
            "claim_en": "A statement (fixture).",
            "quote_ar": s[:300],
            "conditional": False,
            "condition": None,
            "attributed_via": None,
        }
        for s in sentences
        if "«" in s or "قال" in s
    ][:5]
    if fabricated_claim:
        claims.append(
            {
                **(claims[0] if claims else {}),
                "speaker_ar": "مجهول",
                "kind": "report",
                "claim_ar": "ادعاء مختلق",
                "quote_ar": FABRICATED_QUOTE,
            }
        )
    return {
        "headline_ar": first[:150],
        "headline_en": "Fixture headline (authored, not model output)",
        "summary_ar": " ".join(sentences[:2])[:1400] or first,
        "summary_en": "Fixture summary (authored, not model output).",
        "key_points": [{"text_ar": s[:200], "text_en": "Fixture key point."} for s in sentences[:3]],
        "claims": claims,
        "entities": [
            {"name_ar": "الحكومة", "name_en": "The government", "type": "organization", "aliases": []}
        ],
    }


def completion(
    body: dict[str, Any], *, fabricated_claim: bool = False, usage: bool = True
) -> dict[str, Any]:
    """An AUTHORED chat.completion answering `body` (tool call, or JSON content for json_schema)."""
    payload = fixture_briefing(_sentences(body.get("messages", [])), fabricated_claim=fabricated_claim)
    text = json.dumps(payload, ensure_ascii=False)
    if body.get("tools"):
        name = body["tools"][0]["function"]["name"]
        message: dict[str, Any] = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "call_fixture", "type": "function", "function": {"name": name, "arguments": text}}
            ],
        }
        finish = "tool_calls"
    else:
        message, finish = {"role": "assistant", "content": text}, "stop"
    prompt_chars = sum(len(str(m.get("content", ""))) for m in body.get("messages", []))
    tokens = {"prompt_tokens": prompt_chars // 3 + 50, "completion_tokens": len(text) // 3}
    tokens["total_tokens"] = tokens["prompt_tokens"] + tokens["completion_tokens"]
    answer = {
        "id": "chatcmpl-fixture",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.get("model", "fixture"),
        "choices": [{"index": 0, "finish_reason": finish, "message": message}],
        "usage": tokens,
    }
    if not usage:
        del answer["usage"]
    return answer


@dataclass
class ServerState:
    """Configuration and counters, shared by the handler threads."""

    latency_s: float = 0.0
    fault_rate: float = 0.0
    seed: int = 7
    retry_after: str = "1"
    hang_s: float = 2.0
    trickle_s: float = 1.0
    faults: tuple[str, ...] = ("429", "500", "reset", "timeout")
    usage: bool = True
    hold: threading.Event | None = None  # when given, chat requests wait (up to 60 s) until it is set
    billed_prompt: int = 0
    billed_completion: int = 0
    fabricated_in_batches: bool = True
    counts: Counter[str] = field(default_factory=Counter)
    seen: Counter[str] = field(default_factory=Counter)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fault_for(self, prompt_hash: str) -> str | None:
        """The fault (or None) for this prompt's n-th request — independent of request order."""
        with self.lock:
            self.seen[prompt_hash] += 1
            n = self.seen[prompt_hash]
        roll = random.Random(f"{self.seed}:{prompt_hash}:{n}").random()
        if roll >= self.fault_rate:
            return None
        k = len(self.faults)
        return self.faults[min(k - 1, int(roll / self.fault_rate * k))]

    def bill(self, answer: dict[str, Any]) -> None:
        """Count what an answer costs (whether or not the client stays to read it)."""
        usage = answer.get("usage") or {}
        with self.lock:
            self.counts["billed"] += 1
            self.billed_prompt += int(usage.get("prompt_tokens", 0))
            self.billed_completion += int(usage.get("completion_tokens", 0))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without TCP_NODELAY, Nagle's algorithm holds the
        # body until the client's delayed ACK (~40 ms on Linux) — a server artifact, not latency.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def finish(self) -> None:
        with contextlib.suppress(OSError):  # after a deliberate reset
            super().finish()

    # --- plumbing -------------------------------------------------------------------------------

    def _send(self, status: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
        wait = getattr(self, "_deadline", 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def _reset(self) -> None:
        wait = getattr(self, "_deadline", 0.0) - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    # --- routes ---------------------------------------------------------------------------------

    def do_POST(self) -> None:
        st = self.server.state
        self._arrived = time.monotonic()
        self._deadline = 0.0
        raw = self._body()
        if self.path.endswith("/chat/completions"):
            return self._chat(json.loads(raw))
        if self.path.endswith("/files"):
            return self._send(200, self._create_file(raw))
        if self.path.endswith("/batches"):
            return self._send(200, self._create_batch(json.loads(raw)))
        st.counts["404"] += 1
        self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_GET(self) -> None:
        st = self.server.state
        m = re.search(r"/files/([\w-]+)(/content)?$", self.path)
        if m and m.group(1) in st.files:
            f = st.files[m.group(1)]
            return self._send(200, f["content"] if m.group(2) else f["object"])
        m = re.search(r"/batches/([\w-]+)$", self.path)
        if m and m.group(1) in st.batches:
            return self._send(200, self._advance(m.group(1)))
        self._send(404, {"error": {"message": f"no such object {self.path}"}})

    def _chat(self, body: dict[str, Any]) -> None:
        st = self.server.state
        # The answer leaves `latency_s` after the request arrived, however long building it took:
        # the server's own CPU (under the GIL, 64 threads at once) must not count as latency.
        self._deadline = self._arrived + st.latency_s
        prompt = json.dumps(body.get("messages"), ensure_ascii=False)
        with st.lock:
            st.counts["chat"] += 1
        if st.hold is not None:
            st.hold.wait(60)
        if POISON in prompt:
            with st.lock:
                st.counts["poison"] += 1
            return self._send(500, {"error": {"message": "fixture: permanent failure for this article"}})
        fault = st.fault_for(hashlib.sha256(prompt.encode()).hexdigest())
        if fault:
            with st.lock:
                st.counts[fault] += 1
        if fault == "429":
            return self._send(
                429, {"error": {"message": "fixture: rate limited"}}, {"Retry-After": st.retry_after}
            )
        if fault == "500":
            return self._send(500, {"error": {"message": "fixture: internal error"}})
        if fault == "reset":
            return self._reset()
        if fault == "echo_auth":  # a careless server repeating the credentials it was sent
            auth = self.headers.get("Authorization", "")
            return self._send(401, {"error": {"message": f"invalid credentials: {auth}", "type": "auth"}})
        answer = completion(body)
        if fault == "bomb":  # JSON nested deeper than any parser's stack, as the tool arguments
            call = answer["choices"][0]["message"]["tool_calls"][0]["function"]
            call["arguments"] = '{"claims": ' + "[" * 100_000 + "]" * 100_000 + "}"
        # Billed as generated, with the usage the server knows even when it leaves it out.
        st.bill(answer)
        if not st.usage:
            del answer["usage"]
        if fault == "timeout":
            time.sleep(st.hang_s)
        if fault == "trickle":
            return self._trickle(json.dumps(answer, ensure_ascii=False).encode())
        with st.lock:
            st.counts["ok"] += 1
        self._send(200, answer)

    def _trickle(self, data: bytes) -> None:
        st = self.server.state
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        self.close_connection = True
        with contextlib.suppress(OSError):  # the client gave up: that is the point
            self.wfile.write(head.encode())
            self.wfile.flush()
            for i in range(len(data)):
                time.sleep(st.trickle_s)
                self.wfile.write(data[i : i + 1])
                self.wfile.flush()

    # --- Files and Batches (OpenAI API reference shapes) -----------------------------------------

    def _create_file(self, raw: bytes) -> dict[str, Any]:
        msg = email.message_from_bytes(
            b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + raw,
            policy=email.policy.HTTP,
        )
        fields: dict[str, Any] = {}
        for part in msg.iter_parts():  # type: ignore[attr-defined]
            name = part.get_param("name", header="content-disposition")
            fields[name] = (part.get_filename(), part.get_payload(decode=True))
        filename, content = fields["file"]
        purpose = fields["purpose"][1].decode()
        return self._store_file(content, filename or "upload.jsonl", purpose)

    def _store_file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        st = self.server.state
        file_id = f"file-{len(st.files) + 1:04d}"
        obj = {
            "id": file_id,
            "object": "file",
            "bytes": len(content),
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": purpose,
        }
        st.files[file_id] = {"object": obj, "content": content}
        return obj

    def _create_batch(self, req: dict[str, Any]) -> dict[str, Any]:
        st = self.server.state
        batch_id = f"batch_{len(st.batches) + 1:04d}"
        now = int(time.time())
        obj = {
            "id": batch_id,
            "object": "batch",
            "endpoint": req["endpoint"],
            "errors": None,
            "input_file_id": req["input_file_id"],
            "completion_window": req["completion_window"],
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": now,
            "in_progress_at": None,
            "expires_at": now + 86400,
            "finalizing_at": None,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "metadata": req.get("metadata"),
        }
        st.batches[batch_id] = obj
        return obj

    def _advance(self, batch_id: str) -> dict[str, Any]:
        """Each retrieve moves the batch one step: validating → in_progress → completed."""
        st = self.server.state
        obj = st.batches[batch_id]
        if obj["status"] == "validating":
            lines = st.files[obj["input_file_id"]]["content"].decode().splitlines()
            problems = _validate_lines(lines)
            if problems:
                obj.update(
                    status="failed", failed_at=int(time.time()), errors={"object": "list", "data": problems}
                )
            else:
                obj.update(status="in_progress", in_progress_at=int(time.time()))
                obj["request_counts"]["total"] = len(lines)
        elif obj["status"] == "in_progress":
            self._complete(obj)
        return obj

    def _complete(self, obj: dict[str, Any]) -> None:
        st = self.server.state
        out, err = [], []
        for line in st.files[obj["input_file_id"]]["content"].decode().splitlines():
            req = json.loads(line)
            rid = f"req_{hashlib.sha256(line.encode()).hexdigest()[:8]}"
            if POISON in json.dumps(req["body"]["messages"], ensure_ascii=False):
                err.append(
                    {
                        "id": f"batch_req_{rid}",
                        "custom_id": req["custom_id"],
                        "response": {
                            "status_code": 500,
                            "request_id": rid,
                            "body": {"error": {"message": "fixture: permanent failure"}},
                        },
                        "error": None,
                    }
                )
                continue
            body = completion(req["body"], fabricated_claim=st.fabricated_in_batches)
            out.append(
                {
                    "id": f"batch_req_{rid}",
                    "custom_id": req["custom_id"],
                    "response": {"status_code": 200, "request_id": rid, "body": body},
                    "error": None,
                }
            )
        enc = lambda rows: "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode()  # noqa: E731
        obj["output_file_id"] = (
            self._store_file(enc(out), "output.jsonl", "batch_output")["id"] if out else None
        )
        obj["error_file_id"] = (
            self._store_file(enc(err), "errors.jsonl", "batch_output")["id"] if err else None
        )
        obj["request_counts"].update(completed=len(out), failed=len(err))
        obj.update(status="completed", completed_at=int(time.time()))


def _validate_lines(lines: list[str]) -> list[dict[str, Any]]:
    problems, ids = [], set()
    for n, line in enumerate(lines, 1):
        try:
            req = json.loads(line)
        except json.JSONDecodeError:
            problems.append({"code": "invalid_json_line", "line": n, "message": "not JSON"})
            continue
        if req.get("custom_id") in ids or not req.get("custom_id"):
            problems.append(
                {"code": "duplicate_custom_id", "line": n, "message": "custom_id missing/duplicate"}
            )
        ids.add(req.get("custom_id"))
        if req.get("method") != "POST" or req.get("url") != "/v1/chat/completions" or "body" not in req:
            problems.append({"code": "invalid_request", "line": n, "message": "method/url/body"})
    return problems


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512
    state: ServerState

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients that timed out close the socket before the (deliberately late) answer


class FakeOpenAI:
    """Starts the server in a background thread: `with FakeOpenAI(...) as srv: srv.base_url`."""

    def __init__(self, **config: Any) -> None:
        self.state = ServerState(**config)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = self.state
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT/v1`."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def main() -> None:  # pragma: no cover - used by benchmarks as a subprocess
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--latency", type=float, default=0.0)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    args = ap.parse_args()
    srv = FakeOpenAI(latency_s=args.latency, fault_rate=args.fault_rate)
    print(srv.base_url, flush=True)
    srv._server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
