"""A loopback HTTP server that speaks the OpenAI Chat Completions wire format.

Point the ``openai`` client or ``langchain_openai.ChatOpenAI`` at
``server.url + "/v1"`` (any api key) and script the answers with the same reply
types as :mod:`bedrock_wire` (re-exported here)::

    with OpenAIWireServer() as server:
        server.queue(Error(429, "rate_limit_exceeded", "slow down"), Text("hi"))
        client = openai.OpenAI(base_url=server.url + "/v1", api_key="x", max_retries=0)

Served endpoints:

* ``POST /v1/chat/completions`` -> ``chat.completion`` JSON, or with
  ``"stream": true`` Server-Sent Events ``data: {chat.completion.chunk}``
  lines ending with ``data: [DONE]`` (a usage chunk is added when
  ``stream_options.include_usage`` is true).
* ``GET /v1/models`` -> the model list (``models=`` constructor argument).
  It does not consume a queued ``Text``/``StreamError``; if the next queued
  reply is an ``Error`` or ``Delay`` it is consumed and applied.

The ``/v1`` prefix is optional (``/chat/completions`` works too).
"""

from __future__ import annotations

import json
import time
import uuid
from typing import Any, Optional, Sequence, Union

from .bedrock_wire import (
    Delay,
    Error,
    RecordedRequest,
    Reply,
    Responder,
    StreamError,
    Text,
    _BaseHandler,
    _resolve,
    _split,
    _WireServer,
)

__all__ = [
    "Text",
    "Error",
    "Delay",
    "StreamError",
    "Reply",
    "RecordedRequest",
    "OpenAIWireServer",
    "last_user_text",
    "echo_last_user",
]


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(
            part.get("text", "") for part in content if isinstance(part, dict) and part.get("type", "text") == "text"
        )
    return ""


def last_user_text(body: Any) -> str:
    """Text of the last ``user`` message in a chat.completions request body."""
    for message in reversed((body or {}).get("messages") or []):
        if message.get("role") == "user":
            return _content_text(message.get("content"))
    return ""


def echo_last_user(body: Any) -> Reply:
    """Responder that answers with the last user message's text."""
    return Text(last_user_text(body))


def _prompt_words(body: Any) -> int:
    words = 0
    for message in (body or {}).get("messages") or []:
        words += len(_content_text(message.get("content")).split())
    return max(1, words)


def _normalise(path: str) -> str:
    path = path.rstrip("/")
    return path[3:] if path.startswith("/v1/") else path


class _OpenAIHandler(_BaseHandler):
    def _headers(self) -> dict:
        return {"x-request-id": f"req_{uuid.uuid4().hex}", "openai-processing-ms": "1"}

    def _send_error(self, err: Error) -> None:
        headers = self._headers()
        headers.update(err.headers)
        self.send_json(
            err.status,
            {
                "error": {
                    "message": err.message,
                    "type": err.type,
                    "param": None,
                    "code": err.code if err.code is not None else err.type,
                }
            },
            headers,
        )

    def route(self, record: RecordedRequest) -> None:
        owner: OpenAIWireServer = self.server.owner
        path = _normalise(record.path)
        body = record.body if isinstance(record.body, dict) else {}
        if record.method == "POST" and path == "/chat/completions":
            record.operation = "chat.completions"
            record.model_id = body.get("model")
            record.stream = bool(body.get("stream"))
        elif record.method == "GET" and path == "/models":
            record.operation = "models"
        owner._record(record)

        if record.operation == "models":
            self._models(owner)
            return
        if record.operation is None:
            self._send_error(
                Error(404, "invalid_request_error", f"Unknown request URL: {record.method} {record.path}", code="unknown_url")
            )
            return

        reply = _resolve(self, owner._next_reply(record.body), record.body)
        if isinstance(reply, Error):
            self._send_error(reply)
        elif isinstance(reply, StreamError) and not record.stream:
            self._send_error(Error(reply.status, reply.type or "server_error", reply.message))
        elif record.stream:
            self._stream(reply, record, body)
        else:
            self._complete(reply, record, body)

    # ---- /models ----------------------------------------------------------

    def _models(self, owner: "OpenAIWireServer") -> None:
        reply = owner._take(accept=lambda r: isinstance(r, (Error, Delay)))
        while isinstance(reply, Delay):
            self.pause(reply.seconds)
            reply = reply.then
        if isinstance(reply, Error):
            self._send_error(reply)
            return
        self.send_json(
            200,
            {
                "object": "list",
                "data": [
                    {"id": m, "object": "model", "created": 1700000000, "owned_by": "wire-test"}
                    for m in owner.models
                ],
            },
            self._headers(),
        )

    # ---- /chat/completions -------------------------------------------------

    def _usage(self, reply: Text, body: Any) -> dict:
        prompt = reply.input_tokens if reply.input_tokens is not None else _prompt_words(body)
        completion = reply.output_tokens if reply.output_tokens is not None else max(1, len(reply.text.split()))
        return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}

    def _complete(self, reply: Text, record: RecordedRequest, body: dict) -> None:
        payload = {
            "id": f"chatcmpl-{uuid.uuid4().hex[:24]}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or "wire-test-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.text, "refusal": None},
                    "logprobs": None,
                    "finish_reason": reply.stop_reason or "stop",
                }
            ],
            "usage": self._usage(reply, record.body),
            "system_fingerprint": "fp_wiretest",
        }
        self.send_json(200, payload, self._headers())

    def _stream(self, reply: Union[Text, StreamError], record: RecordedRequest, body: dict) -> None:
        include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
        cid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        created = int(time.time())
        model = body.get("model") or "wire-test-model"

        def chunk(delta: Optional[dict], finish: Optional[str] = None, usage: Optional[dict] = None) -> dict:
            out = {
                "id": cid,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "system_fingerprint": "fp_wiretest",
                "choices": []
                if delta is None
                else [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
            }
            if include_usage:
                out["usage"] = usage
            return out

        def send(obj: Any) -> None:
            data = obj if isinstance(obj, str) else json.dumps(obj)
            self.write_chunk(f"data: {data}\n\n".encode())

        self.start_chunked(200, "text/event-stream; charset=utf-8", self._headers())
        send(chunk({"role": "assistant", "content": "", "refusal": None}))
        if isinstance(reply, StreamError):
            for piece in _split(reply.text, reply.chunk_size)[: max(0, reply.after_chunks)]:
                send(chunk({"content": piece}))
            send(
                {
                    "error": {
                        "message": reply.message,
                        "type": reply.type or "server_error",
                        "param": None,
                        "code": reply.type or "server_error",
                    }
                }
            )
            self.end_chunked()
            return
        for i, piece in enumerate(reply.chunks()):
            if i and reply.chunk_delay:
                self.pause(reply.chunk_delay)
            send(chunk({"content": piece}))
        send(chunk({}, reply.stop_reason or "stop"))
        if include_usage:
            send(chunk(None, usage=self._usage(reply, record.body)))
        send("[DONE]")
        self.end_chunked()


class OpenAIWireServer(_WireServer):
    """Loopback OpenAI Chat Completions test server.

    ``OpenAIWireServer(default=Text("OK"), responder=None, models=("gpt-4o-mini",))``;
    same attributes and methods as ``BedrockWireServer`` (``url``, ``port``,
    ``requests``, ``last_request``, ``errors``, ``default``, ``responder``,
    ``pending``, ``queue()``, ``reset()``, ``wait_for_requests()``) plus
    ``base_url`` (``url + "/v1"``) and ``models``.
    """

    _handler_class = _OpenAIHandler

    def __init__(
        self,
        default: Reply = Text("OK"),
        responder: Optional[Responder] = None,
        models: Sequence[str] = ("gpt-4o-mini",),
        host: str = "127.0.0.1",
        port: int = 0,
    ):
        super().__init__(default=default, responder=responder, host=host, port=port)
        self.models = list(models)

    @property
    def base_url(self) -> str:
        return self.url + "/v1"
