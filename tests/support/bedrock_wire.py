"""A loopback HTTP server that speaks the Amazon Bedrock Runtime wire format.

Point a real client (boto3 ``bedrock-runtime``, ``langchain_aws.ChatBedrockConverse``)
at ``server.url`` with ``endpoint_url=`` and dummy credentials, then script what
the "service" answers::

    with BedrockWireServer() as server:
        server.queue(Error(429, "ThrottlingException", "slow down"), Text("hello"))
        client = boto3.client("bedrock-runtime", endpoint_url=server.url, ...)
        ...
        assert server.requests[0].model_id == "anthropic.claude-3-haiku-20240307-v1:0"

Served operations (protocol ``rest-json``):

* ``POST /model/{modelId}/converse``        -> Converse JSON
* ``POST /model/{modelId}/converse-stream`` -> ``application/vnd.amazon.eventstream``

Replies (shared with :mod:`openai_wire`): :class:`Text`, :class:`Error`,
:class:`Delay`, :class:`StreamError`; a plain ``str`` is shorthand for ``Text``.
For each request the server takes the next queued reply; when the queue is
empty it asks ``responder(body)`` (if set and it returns non-None), else serves
``default`` (``Text("OK")`` unless configured).

Only the standard library is used; the event stream is framed by hand
(prelude, CRC32s, string headers) exactly as botocore's ``EventStreamBuffer``
decodes it.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import traceback
import uuid
import zlib
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable, Iterator, Optional, Union
from urllib.parse import unquote, urlsplit

__all__ = [
    "Text",
    "Error",
    "Delay",
    "StreamError",
    "Reply",
    "RecordedRequest",
    "BedrockWireServer",
    "encode_event_message",
    "encode_event",
    "encode_exception",
    "last_user_text",
    "echo_last_user",
    "iter_event_stream",
]


# --------------------------------------------------------------------------
# Reply script (shared by both wire servers)
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A successful answer.

    Non-streaming requests get it in one JSON body; streaming requests get it
    split into chunks of ``chunk_size`` characters (``chunk_delay`` seconds
    apart). ``stop_reason`` defaults to ``"end_turn"`` (Bedrock) / ``"stop"``
    (OpenAI). Token counts default to rough word counts.
    """

    text: str
    chunk_size: int = 4
    chunk_delay: float = 0.0
    stop_reason: Optional[str] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None

    def chunks(self) -> list[str]:
        return _split(self.text, self.chunk_size)


@dataclass(frozen=True)
class Error:
    """An HTTP error answer.

    Bedrock: status + ``x-amzn-ErrorType: <type>`` + ``{"message": ...}``.
    OpenAI: status + ``{"error": {"message", "type", "param", "code"}}`` where
    ``code`` defaults to ``type``. ``headers`` are added to the response
    (e.g. ``{"retry-after-ms": "10"}``).
    """

    status: int
    type: str
    message: str = "error injected by the wire test server"
    code: Optional[str] = None
    headers: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delay:
    """Sleep ``seconds`` before answering with ``then`` (``None`` = the
    server's responder/default reply). Use it to trip client read timeouts."""

    seconds: float
    then: Optional["Reply"] = None


@dataclass(frozen=True)
class StreamError:
    """On a streaming request: start a normal stream, send ``after_chunks``
    text chunks taken from ``text``, then an in-stream error and end.

    Bedrock sends an ``:message-type exception`` frame whose
    ``:exception-type`` is ``type`` with its first letter lowered (the union
    member name, e.g. ``ThrottlingException`` -> ``throttlingException``);
    default ``modelStreamErrorException``. OpenAI sends
    ``data: {"error": {...}}`` (default type ``server_error``) and no
    ``[DONE]``.

    On a non-streaming request it is served as ``Error(status, type, message)``.
    """

    after_chunks: int = 1
    type: Optional[str] = None
    message: str = "stream failed (injected by the wire test server)"
    text: str = "partial answer that never finishes"
    chunk_size: int = 4
    status: int = 500


Reply = Union[Text, Error, Delay, StreamError, str]
Responder = Callable[[Any], Optional[Reply]]


@dataclass
class RecordedRequest:
    """One request as the server received it.

    ``path`` is the raw request path (percent-encoding intact, query
    stripped); ``model_id`` is the unquoted Bedrock model id (or the OpenAI
    ``model`` field); ``body`` the parsed JSON body (``None`` if empty or not
    JSON); ``headers`` has lower-cased names; ``operation`` is e.g.
    ``"converse"``, ``"converse-stream"``, ``"chat.completions"``,
    ``"models"``; ``stream`` tells whether a streamed answer was requested.
    """

    method: str
    path: str
    operation: Optional[str]
    model_id: Optional[str]
    body: Any
    headers: dict
    raw_body: bytes
    stream: bool = False
    query: str = ""


def _split(text: str, size: int) -> list[str]:
    size = max(1, int(size))
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def _count_words(text: str) -> int:
    return max(1, len(text.split()))


class _ClientGone(Exception):
    pass


# --------------------------------------------------------------------------
# Server plumbing shared by both wire servers
# --------------------------------------------------------------------------


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def __init__(self, addr, handler, owner):
        self.owner = owner
        super().__init__(addr, handler)


class _BaseHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WireTestServer/1.0"
    server: _HTTPServer

    # ---- plumbing -------------------------------------------------------

    def log_message(self, format, *args):  # noqa: A002 - silence stderr
        pass

    def setup(self):
        super().setup()
        self.server.owner._track(self.connection, True)

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.owner._track(self.connection, False)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (_ClientGone, BrokenPipeError, ConnectionResetError, ConnectionAbortedError, socket.timeout):
            self.close_connection = True
        except OSError:
            self.close_connection = True

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            out = bytearray()
            while True:
                line = self.rfile.readline(65537)
                size = int(line.split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(65537)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self, method: str) -> None:
        owner = self.server.owner
        raw = self._read_body()
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        parts = urlsplit(self.path)
        record = RecordedRequest(
            method=method,
            path=parts.path,
            operation=None,
            model_id=None,
            body=body,
            headers={k.lower(): v for k, v in self.headers.items()},
            raw_body=raw,
            query=parts.query,
        )
        self._responded = False
        try:
            self.route(record)  # fills record fields, records, answers
        except (_ClientGone, BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            self.close_connection = True
        except Exception as exc:  # a bug in a responder or in the server
            owner.errors.append(exc)
            traceback.print_exc()
            if self._responded:  # mid-response: all we can do is hang up
                self.close_connection = True
                return
            try:
                self.send_json(500, {"message": f"wire test server error: {exc!r}"})
            except OSError:
                self.close_connection = True

    def route(self, record: RecordedRequest) -> None:  # pragma: no cover
        raise NotImplementedError

    # ---- writers --------------------------------------------------------

    def send_response(self, code, message=None):
        self._responded = True
        super().send_response(code, message)

    def send_json(self, status: int, payload: Any, headers: Optional[dict] = None) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def start_chunked(self, status: int, content_type: str, headers: Optional[dict] = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Transfer-Encoding", "chunked")
        self.send_header("Cache-Control", "no-cache")
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.flush()

    def write_chunk(self, data: bytes) -> None:
        if not data:
            return
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def end_chunked(self) -> None:
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()

    def pause(self, seconds: float) -> None:
        if seconds and seconds > 0:
            self.server.owner._stopping.wait(seconds)


class _WireServer:
    """Lifecycle, script and request log shared by both servers."""

    _handler_class: type = _BaseHandler

    def __init__(
        self,
        default: Reply = Text("OK"),
        responder: Optional[Responder] = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        self.default: Reply = default
        self.responder: Optional[Responder] = responder
        self.requests: list[RecordedRequest] = []
        self.errors: list[BaseException] = []
        self._host = host
        self._port = port
        self._script: deque = deque()
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        self._stopping = threading.Event()
        self._conns: set = set()
        self._httpd: Optional[_HTTPServer] = None
        self._thread: Optional[threading.Thread] = None

    # ---- lifecycle ------------------------------------------------------

    def start(self):
        if self._httpd is not None:
            return self
        self._stopping.clear()
        self._httpd = _HTTPServer((self._host, self._port), self._handler_class, self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}:{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        httpd, self._httpd = self._httpd, None
        if httpd is None:
            return
        self._stopping.set()  # wakes handlers sleeping in Delay
        httpd.shutdown()
        httpd.server_close()
        with self._lock:
            conns = list(self._conns)
            self._conns.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    close = stop

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("server is not running")
        return self._httpd.server_address[1]

    @property
    def url(self) -> str:
        return f"http://{self._host}:{self.port}"

    # ---- script ---------------------------------------------------------

    def queue(self, *replies: Reply):
        """Append replies; each request consumes one. Returns self."""
        for reply in replies:
            _check_reply(reply)
        with self._lock:
            self._script.extend(replies)
        return self

    @property
    def pending(self) -> int:
        """Number of queued replies not yet consumed."""
        with self._lock:
            return len(self._script)

    def reset(self) -> None:
        """Forget queued replies, recorded requests and errors."""
        with self._lock:
            self._script.clear()
            self.requests.clear()
            self.errors.clear()

    def wait_for_requests(self, n: int, timeout: float = 5.0) -> bool:
        """Block until at least ``n`` requests were recorded."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.requests) < n:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    @property
    def last_request(self) -> Optional[RecordedRequest]:
        with self._lock:
            return self.requests[-1] if self.requests else None

    # ---- used by handlers -------------------------------------------------

    def _record(self, record: RecordedRequest) -> None:
        with self._cond:
            self.requests.append(record)
            self._cond.notify_all()

    def _track(self, conn, add: bool) -> None:
        with self._lock:
            (self._conns.add if add else self._conns.discard)(conn)

    def _take(self, accept: Optional[Callable[[Any], bool]] = None) -> Optional[Reply]:
        """Pop the next queued reply (only if ``accept(reply)``)."""
        with self._lock:
            if self._script and (accept is None or accept(self._script[0])):
                return self._script.popleft()
        return None

    def _fallback(self, body: Any) -> Reply:
        responder = self.responder
        if responder is not None:
            reply = responder(body)
            if reply is not None:
                _check_reply(reply)
                return reply
        return self.default

    def _next_reply(self, body: Any) -> Reply:
        reply = self._take()
        return reply if reply is not None else self._fallback(body)


def _check_reply(reply: Any) -> None:
    if isinstance(reply, (Text, Error, StreamError, str)):
        return
    if isinstance(reply, Delay):
        if reply.then is not None:
            _check_reply(reply.then)
        return
    raise TypeError(f"not a wire-server reply: {reply!r}")


def _resolve(handler: _BaseHandler, reply: Reply, body: Any) -> Union[Text, Error, StreamError]:
    """Unwrap Delays (sleeping) and str shorthands into a concrete reply."""
    owner = handler.server.owner
    while True:
        if isinstance(reply, str):
            return Text(reply)
        if isinstance(reply, Delay):
            handler.pause(reply.seconds)
            if owner._stopping.is_set():
                raise _ClientGone()
            reply = reply.then if reply.then is not None else owner._fallback(body)
            continue
        return reply


# --------------------------------------------------------------------------
# Bedrock event stream encoding
# --------------------------------------------------------------------------


def _encode_headers(headers: Iterable[tuple[str, str]]) -> bytes:
    out = bytearray()
    for name, value in headers:
        n = name.encode("utf-8")
        v = value.encode("utf-8")
        out += struct.pack("!B", len(n)) + n
        out += b"\x07" + struct.pack("!H", len(v)) + v  # 7 = string
    return bytes(out)


def encode_event_message(headers: Iterable[tuple[str, str]], payload: bytes) -> bytes:
    """One ``application/vnd.amazon.eventstream`` message.

    ``total length (u32) | headers length (u32) | prelude CRC32 (u32) |
    headers | payload | message CRC32 (u32)``, all big-endian.
    """
    hdr = _encode_headers(headers)
    total = 12 + len(hdr) + len(payload) + 4
    prelude = struct.pack("!II", total, len(hdr))
    head = prelude + struct.pack("!I", zlib.crc32(prelude) & 0xFFFFFFFF)
    message = head + hdr + payload
    return message + struct.pack("!I", zlib.crc32(message) & 0xFFFFFFFF)


def encode_event(event_type: str, payload: Any) -> bytes:
    """An ``:message-type event`` frame with a JSON payload."""
    return encode_event_message(
        [
            (":event-type", event_type),
            (":content-type", "application/json"),
            (":message-type", "event"),
        ],
        json.dumps(payload).encode(),
    )


def _member_name(exc_type: str) -> str:
    return exc_type[:1].lower() + exc_type[1:]


def encode_exception(exception_type: str, message: str, extra: Optional[dict] = None) -> bytes:
    """An ``:message-type exception`` frame (raises ``EventStreamError`` in boto3)."""
    payload = {"message": message, **(extra or {})}
    return encode_event_message(
        [
            (":exception-type", _member_name(exception_type)),
            (":content-type", "application/json"),
            (":message-type", "exception"),
        ],
        json.dumps(payload).encode(),
    )


# --------------------------------------------------------------------------
# Helpers for responders
# --------------------------------------------------------------------------


def last_user_text(body: Any) -> str:
    """Text of the last ``user`` message in a Converse request body."""
    for message in reversed((body or {}).get("messages") or []):
        if message.get("role") == "user":
            return "".join(
                block.get("text", "")
                for block in message.get("content") or []
                if isinstance(block, dict)
            )
    return ""


def echo_last_user(body: Any) -> Reply:
    """Responder that answers with the last user message's text."""
    return Text(last_user_text(body))


def _input_words(body: Any) -> int:
    body = body or {}
    words = 0
    for block in body.get("system") or []:
        if isinstance(block, dict):
            words += len(str(block.get("text", "")).split())
    for message in body.get("messages") or []:
        for block in message.get("content") or []:
            if isinstance(block, dict):
                words += len(str(block.get("text", "")).split())
    return max(1, words)


# --------------------------------------------------------------------------
# Bedrock Runtime handler and server
# --------------------------------------------------------------------------

_CONVERSE = "converse"
_CONVERSE_STREAM = "converse-stream"


class _BedrockHandler(_BaseHandler):
    def _request_id_headers(self) -> dict:
        return {"x-amzn-RequestId": str(uuid.uuid4())}

    def _send_error(self, err: Error) -> None:
        headers = self._request_id_headers()
        headers["x-amzn-ErrorType"] = err.type
        headers.update(err.headers)
        self.send_json(err.status, {"message": err.message}, headers)

    def route(self, record: RecordedRequest) -> None:
        owner: BedrockWireServer = self.server.owner
        segments = record.path.split("/")
        # ['', 'model', '<quoted id>', 'converse' | 'converse-stream']
        if (
            record.method == "POST"
            and len(segments) == 4
            and segments[0] == ""
            and segments[1] == "model"
            and segments[3] in (_CONVERSE, _CONVERSE_STREAM)
        ):
            record.operation = segments[3]
            record.model_id = unquote(segments[2])
            record.stream = segments[3] == _CONVERSE_STREAM
        owner._record(record)

        if record.operation is None:
            self._send_error(
                Error(404, "UnknownOperationException", f"no such operation: {record.method} {record.path}")
            )
            return

        reply = _resolve(self, owner._next_reply(record.body), record.body)
        if isinstance(reply, Error):
            self._send_error(reply)
        elif isinstance(reply, StreamError) and not record.stream:
            exc_type = reply.type or "ModelStreamErrorException"
            self._send_error(Error(reply.status, exc_type[:1].upper() + exc_type[1:], reply.message))
        elif record.stream:
            self._stream(reply, record)
        else:
            self._converse(reply, record)

    def _usage(self, reply: Text, body: Any) -> dict:
        inp = reply.input_tokens if reply.input_tokens is not None else _input_words(body)
        out = reply.output_tokens if reply.output_tokens is not None else _count_words(reply.text)
        return {"inputTokens": inp, "outputTokens": out, "totalTokens": inp + out}

    def _converse(self, reply: Text, record: RecordedRequest) -> None:
        started = time.monotonic()
        payload = {
            "output": {"message": {"role": "assistant", "content": [{"text": reply.text}]}},
            "stopReason": reply.stop_reason or "end_turn",
            "usage": self._usage(reply, record.body),
            "metrics": {"latencyMs": int((time.monotonic() - started) * 1000) + 1},
        }
        self.send_json(200, payload, self._request_id_headers())

    def _stream(self, reply: Union[Text, StreamError], record: RecordedRequest) -> None:
        started = time.monotonic()
        self.start_chunked(200, "application/vnd.amazon.eventstream", self._request_id_headers())
        self.write_chunk(encode_event("messageStart", {"role": "assistant"}))
        if isinstance(reply, StreamError):
            for piece in _split(reply.text, reply.chunk_size)[: max(0, reply.after_chunks)]:
                self.write_chunk(
                    encode_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": piece}})
                )
            self.write_chunk(encode_exception(reply.type or "modelStreamErrorException", reply.message))
            self.end_chunked()
            return
        for i, piece in enumerate(reply.chunks()):
            if i and reply.chunk_delay:
                self.pause(reply.chunk_delay)
            self.write_chunk(
                encode_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": piece}})
            )
        self.write_chunk(encode_event("contentBlockStop", {"contentBlockIndex": 0}))
        self.write_chunk(encode_event("messageStop", {"stopReason": reply.stop_reason or "end_turn"}))
        self.write_chunk(
            encode_event(
                "metadata",
                {
                    "usage": self._usage(reply, record.body),
                    "metrics": {"latencyMs": int((time.monotonic() - started) * 1000) + 1},
                },
            )
        )
        self.end_chunked()


class BedrockWireServer(_WireServer):
    """Loopback Bedrock Runtime (Converse / ConverseStream) test server.

    ``BedrockWireServer(default=Text("OK"), responder=None)``; use as a context
    manager (or ``start()``/``stop()``). Attributes: ``url``, ``port``,
    ``requests`` (list of :class:`RecordedRequest`), ``last_request``,
    ``errors`` (exceptions raised inside the server, e.g. by a responder),
    ``default``, ``responder``, ``pending``. Methods: ``queue(*replies)``,
    ``reset()``, ``wait_for_requests(n, timeout)``.
    """

    _handler_class = _BedrockHandler


def iter_event_stream(data: bytes) -> Iterator[tuple[dict, bytes]]:
    """Decode frames produced by :func:`encode_event_message` (for debugging)."""
    pos = 0
    while pos < len(data):
        total, hlen = struct.unpack_from("!II", data, pos)
        hdr = data[pos + 12 : pos + 12 + hlen]
        payload = data[pos + 12 + hlen : pos + total - 4]
        headers, i = {}, 0
        while i < len(hdr):
            nlen = hdr[i]
            name = hdr[i + 1 : i + 1 + nlen].decode()
            i += 1 + nlen + 1
            (vlen,) = struct.unpack_from("!H", hdr, i)
            headers[name] = hdr[i + 2 : i + 2 + vlen].decode()
            i += 2 + vlen
        yield headers, payload
        pos += total
