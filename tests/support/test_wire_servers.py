"""The loopback wire servers must satisfy the real clients over real HTTP.

boto3 ``bedrock-runtime`` / ``langchain_aws.ChatBedrockConverse`` against
``BedrockWireServer``; ``openai`` / ``langchain_openai.ChatOpenAI`` against
``OpenAIWireServer``. Retries and timeouts are configured explicitly so each
test takes well under a few seconds.
"""

from __future__ import annotations

import json
import time

import pytest

from . import bedrock_wire as bw
from . import openai_wire as ow

MODEL = "anthropic.claude-3-haiku-20240307-v1:0"
LONG = "The quick brown fox jumps over the lazy dog, twice."


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path):
    """No proxies, no ambient AWS/OpenAI settings can leak into the clients."""
    for var in (
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
        "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
        "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL_BEDROCK",
        "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID",
    ):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    yield
    while _CLIENTS:  # close pooled keep-alive connections promptly
        try:
            _CLIENTS.pop().close()
        except Exception:
            pass


_CLIENTS: list = []


# ==========================================================================
# Bedrock
# ==========================================================================


@pytest.fixture
def bedrock():
    with bw.BedrockWireServer() as server:
        yield server
    assert not server.errors, server.errors


def _config(**kwargs):
    from botocore.config import Config

    kwargs.setdefault("retries", {"total_max_attempts": 1})
    kwargs.setdefault("connect_timeout", 2)
    kwargs.setdefault("read_timeout", 5)
    return Config(**kwargs)


def _boto(server, **config):
    import boto3

    client = boto3.client(
        "bedrock-runtime",
        endpoint_url=server.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        config=_config(**config),
    )
    _CLIENTS.append(client)
    return client


def _ask(text="hi"):
    return {"modelId": MODEL, "messages": [{"role": "user", "content": [{"text": text}]}]}


def test_event_stream_frames_decode_with_botocore():
    from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

    data = bw.encode_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "héllo"}})
    data += bw.encode_exception("ThrottlingException", "slow down")
    buf = EventStreamBuffer()
    buf.add_data(data)
    first, second = list(buf)
    assert first.headers == {
        ":event-type": "contentBlockDelta",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    assert first.payload == '{"contentBlockIndex": 0, "delta": {"text": "h\\u00e9llo"}}'.encode()
    assert second.headers[":message-type"] == "exception"
    assert second.headers[":exception-type"] == "throttlingException"
    assert [h for h, _ in bw.iter_event_stream(data)] == [first.headers, second.headers]

    corrupted = bytearray(bw.encode_event("messageStop", {"stopReason": "end_turn"}))
    corrupted[-6] ^= 0xFF  # flip a payload byte: message CRC no longer matches
    buf = EventStreamBuffer()
    buf.add_data(bytes(corrupted))
    with pytest.raises(ChecksumMismatch):
        list(buf)


def test_boto3_converse_roundtrip(bedrock):
    bedrock.queue(bw.Text("Paris is the capital of France.", input_tokens=11, output_tokens=7))
    client = _boto(bedrock)
    resp = client.converse(
        modelId=MODEL,
        messages=[{"role": "user", "content": [{"text": "Capital of France?"}]}],
        system=[{"text": "Answer briefly."}],
        inferenceConfig={"maxTokens": 64, "temperature": 0.2, "topP": 0.9, "stopSequences": ["\n\n"]},
    )
    assert resp["output"]["message"] == {
        "role": "assistant",
        "content": [{"text": "Paris is the capital of France."}],
    }
    assert resp["stopReason"] == "end_turn"
    assert resp["usage"] == {"inputTokens": 11, "outputTokens": 7, "totalTokens": 18}
    assert resp["metrics"]["latencyMs"] >= 0
    assert resp["ResponseMetadata"]["HTTPStatusCode"] == 200

    (req,) = bedrock.requests
    assert req.method == "POST"
    assert req.operation == "converse" and not req.stream
    assert req.model_id == MODEL
    assert req.path == "/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse"
    assert req.body["messages"] == [{"role": "user", "content": [{"text": "Capital of France?"}]}]
    assert req.body["system"] == [{"text": "Answer briefly."}]
    assert req.body["inferenceConfig"] == {
        "maxTokens": 64,
        "temperature": 0.2,
        "topP": 0.9,
        "stopSequences": ["\n\n"],
    }
    assert req.headers["authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing/")
    assert "/us-east-1/bedrock/aws4_request" in req.headers["authorization"]


def test_boto3_converse_stream_reassembles(bedrock):
    bedrock.queue(bw.Text(LONG, chunk_size=5))
    client = _boto(bedrock)
    resp = client.converse_stream(
        **_ask("Say the pangram."),
        system=[{"text": "Be exact."}],
        inferenceConfig={"maxTokens": 32, "temperature": 0.0},
    )
    events = list(resp["stream"])
    kinds = [next(iter(e)) for e in events]
    assert kinds[0] == "messageStart" and events[0]["messageStart"] == {"role": "assistant"}
    assert kinds[-3:] == ["contentBlockStop", "messageStop", "metadata"]
    deltas = [e["contentBlockDelta"]["delta"]["text"] for e in events if "contentBlockDelta" in e]
    assert len(deltas) == len(bw._split(LONG, 5)) > 5
    assert "".join(deltas) == LONG
    assert events[-2]["messageStop"]["stopReason"] == "end_turn"
    assert events[-1]["metadata"]["usage"]["outputTokens"] > 0

    (req,) = bedrock.requests
    assert req.operation == "converse-stream" and req.stream
    assert req.model_id == MODEL
    assert req.body["system"] == [{"text": "Be exact."}]
    assert req.body["inferenceConfig"] == {"maxTokens": 32, "temperature": 0.0}
    assert req.body["messages"][0]["content"][0]["text"] == "Say the pangram."


def test_default_reply_and_responder(bedrock):
    client = _boto(bedrock)
    assert client.converse(**_ask())["output"]["message"]["content"][0]["text"] == "OK"

    bedrock.responder = bw.echo_last_user
    resp = client.converse(**_ask("echo me please"))
    assert resp["output"]["message"]["content"][0]["text"] == "echo me please"
    stream = client.converse_stream(**_ask("stream me back"))["stream"]
    text = "".join(e["contentBlockDelta"]["delta"]["text"] for e in stream if "contentBlockDelta" in e)
    assert text == "stream me back"

    bedrock.queue("queued wins over responder")
    assert client.converse(**_ask())["output"]["message"]["content"][0]["text"] == "queued wins over responder"
    assert bedrock.pending == 0
    assert len(bedrock.requests) == 4


def test_throttling_429_raises(bedrock):
    bedrock.queue(bw.Error(429, "ThrottlingException", "Too many tokens, please wait before trying again."))
    client = _boto(bedrock)
    with pytest.raises(client.exceptions.ThrottlingException) as info:
        client.converse(**_ask())
    err = info.value.response
    assert err["Error"]["Code"] == "ThrottlingException"
    assert err["Error"]["Message"] == "Too many tokens, please wait before trying again."
    assert err["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert len(bedrock.requests) == 1


def test_throttling_429_on_stream_raises(bedrock):
    bedrock.queue(bw.Error(429, "ThrottlingException", "slow down"))
    client = _boto(bedrock)
    with pytest.raises(client.exceptions.ThrottlingException):
        client.converse_stream(**_ask())


def test_429_then_text_succeeds_with_standard_retries(bedrock):
    bedrock.queue(bw.Error(429, "ThrottlingException", "slow down"), bw.Text("after retry"))
    client = _boto(bedrock, retries={"max_attempts": 2, "mode": "standard"})
    started = time.monotonic()
    resp = client.converse(**_ask())
    assert resp["output"]["message"]["content"][0]["text"] == "after retry"
    assert resp["ResponseMetadata"]["RetryAttempts"] == 1
    assert len(bedrock.requests) == 2
    assert time.monotonic() - started < 3  # standard mode: first backoff <= 1 s


def test_access_denied_403_not_retried(bedrock):
    bedrock.queue(bw.Error(403, "AccessDeniedException", "You don't have access to the model."))
    client = _boto(bedrock, retries={"max_attempts": 2, "mode": "standard"})
    with pytest.raises(client.exceptions.AccessDeniedException) as info:
        client.converse(**_ask())
    assert info.value.response["Error"]["Message"] == "You don't have access to the model."
    assert len(bedrock.requests) == 1


@pytest.mark.parametrize(
    "status,kind",
    [(500, "InternalServerException"), (503, "ServiceUnavailableException"), (400, "ValidationException")],
)
def test_server_errors_raise_modeled_exceptions(bedrock, status, kind):
    bedrock.queue(bw.Error(status, kind, f"{kind} injected"))
    client = _boto(bedrock)
    with pytest.raises(getattr(client.exceptions, kind)) as info:
        client.converse(**_ask())
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == status
    assert len(bedrock.requests) == 1


def test_stream_error_mid_stream(bedrock):
    from botocore.exceptions import EventStreamError

    bedrock.queue(bw.StreamError(after_chunks=2, type="ThrottlingException", message="throttled mid-stream"))
    client = _boto(bedrock)
    stream = client.converse_stream(**_ask())["stream"]
    got = []
    with pytest.raises(EventStreamError) as info:
        try:
            for event in stream:
                got.append(event)
        finally:
            stream.close()
    assert [next(iter(e)) for e in got] == ["messageStart", "contentBlockDelta", "contentBlockDelta"]
    assert info.value.response["Error"] == {"Code": "throttlingException", "Message": "throttled mid-stream"}


def test_stream_error_on_non_stream_call_is_http_error(bedrock):
    bedrock.queue(bw.StreamError(type="modelStreamErrorException"))
    client = _boto(bedrock)
    with pytest.raises(client.exceptions.ClientError) as info:
        client.converse(**_ask())
    assert info.value.response["Error"]["Code"] == "ModelStreamErrorException"


def test_delay_trips_read_timeout_and_server_stops_fast():
    from botocore.exceptions import ReadTimeoutError

    server = bw.BedrockWireServer().start()
    try:
        server.queue(bw.Delay(30))
        client = _boto(server, read_timeout=0.3)
        started = time.monotonic()
        with pytest.raises(ReadTimeoutError):
            client.converse(**_ask())
        assert time.monotonic() - started < 2
    finally:
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 2


def test_delay_then_reply(bedrock):
    bedrock.queue(bw.Delay(0.2, then=bw.Text("late but fine")), bw.Delay(0.05))
    client = _boto(bedrock)
    started = time.monotonic()
    assert client.converse(**_ask())["output"]["message"]["content"][0]["text"] == "late but fine"
    assert time.monotonic() - started >= 0.2
    assert client.converse(**_ask())["output"]["message"]["content"][0]["text"] == "OK"  # then=None -> default


def test_unknown_path_is_404(bedrock):
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(urllib.request.Request(bedrock.url + "/nope", data=b"{}"), timeout=2)
    with info.value as err:
        assert err.code == 404
        assert err.headers["x-amzn-ErrorType"] == "UnknownOperationException"
        assert "no such operation" in json.loads(err.read())["message"]


def _lc_text(message) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)


def _chat_bedrock(server, **config):
    from langchain_aws import ChatBedrockConverse

    llm = ChatBedrockConverse(
        model=MODEL,
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=_config(**config),
        temperature=0.1,
        max_tokens=50,
    )
    _CLIENTS.extend(c for c in (llm.client, getattr(llm, "bedrock_client", None)) if c is not None)
    return llm


def test_langchain_bedrock_invoke(bedrock):
    from langchain_core.messages import HumanMessage, SystemMessage

    bedrock.queue(bw.Text("Photosynthesis turns light into sugar."))
    llm = _chat_bedrock(bedrock)
    msg = llm.invoke([SystemMessage("You are a tutor."), HumanMessage("Explain photosynthesis.")])
    assert _lc_text(msg) == "Photosynthesis turns light into sugar."
    assert msg.usage_metadata["output_tokens"] > 0

    converse = [r for r in bedrock.requests if r.operation == "converse"]
    assert len(converse) == 1
    body = converse[0].body
    assert converse[0].model_id == MODEL
    assert body["system"] == [{"text": "You are a tutor."}]
    assert body["messages"] == [{"role": "user", "content": [{"text": "Explain photosynthesis."}]}]
    assert body["inferenceConfig"]["maxTokens"] == 50
    assert body["inferenceConfig"]["temperature"] == 0.1


def test_langchain_bedrock_stream(bedrock):
    bedrock.queue(bw.Text(LONG, chunk_size=3))
    llm = _chat_bedrock(bedrock)
    pieces = [_lc_text(chunk) for chunk in llm.stream("Recite the pangram.")]
    assert "".join(pieces) == LONG
    assert sum(1 for p in pieces if p) > 5
    streams = [r for r in bedrock.requests if r.operation == "converse-stream"]
    assert len(streams) == 1
    assert bw.last_user_text(streams[0].body) == "Recite the pangram."


def test_langchain_bedrock_throttling_surfaces(bedrock):
    from botocore.exceptions import ClientError

    bedrock.queue(bw.Error(429, "ThrottlingException", "slow down"))
    llm = _chat_bedrock(bedrock)
    with pytest.raises(ClientError) as info:
        llm.invoke("hi")
    assert info.value.response["Error"]["Code"] == "ThrottlingException"


# ==========================================================================
# OpenAI
# ==========================================================================


@pytest.fixture
def oai():
    with ow.OpenAIWireServer() as server:
        yield server
    assert not server.errors, server.errors


def _openai(server, **kwargs):
    import openai

    kwargs.setdefault("max_retries", 0)
    kwargs.setdefault("timeout", 5)
    client = openai.OpenAI(base_url=server.base_url, api_key="x", **kwargs)
    _CLIENTS.append(client)
    return client


MSGS = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Capital of France?"}]


def test_openai_chat_completion(oai):
    oai.queue(ow.Text("Paris.", input_tokens=9, output_tokens=2))
    resp = _openai(oai).chat.completions.create(model="gpt-4o-mini", messages=MSGS, temperature=0.3, max_tokens=20)
    assert resp.object == "chat.completion"
    assert resp.choices[0].message.content == "Paris."
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens, resp.usage.total_tokens) == (9, 2, 11)
    assert resp.model == "gpt-4o-mini"

    (req,) = oai.requests
    assert (req.method, req.path, req.operation, req.stream) == ("POST", "/v1/chat/completions", "chat.completions", False)
    assert req.model_id == "gpt-4o-mini"
    assert req.body["messages"] == MSGS
    assert req.body["temperature"] == 0.3
    assert req.headers["authorization"] == "Bearer x"


def test_openai_stream_reassembles(oai):
    oai.queue(ow.Text(LONG, chunk_size=4))
    stream = _openai(oai).chat.completions.create(
        model="gpt-4o-mini", messages=MSGS, stream=True, stream_options={"include_usage": True}
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == LONG
    assert sum(1 for c in chunks if c.choices and c.choices[0].delta.content) == len(ow._split(LONG, 4))
    finishes = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
    assert finishes == ["stop"]
    assert chunks[-1].choices == [] and chunks[-1].usage.completion_tokens > 0
    assert oai.requests[0].stream and oai.requests[0].body["stream"] is True


def test_openai_stream_raw_sse_ends_with_done(oai):
    import urllib.request

    oai.queue(ow.Text("abcdefgh", chunk_size=4))
    req = urllib.request.Request(
        oai.base_url + "/chat/completions",
        data=json.dumps({"model": "m", "messages": MSGS, "stream": True}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(req, timeout=3) as resp:
        assert resp.headers["Content-Type"].startswith("text/event-stream")
        raw = resp.read().decode()
    events = [e for e in raw.split("\n\n") if e]
    assert all(e.startswith("data: ") for e in events)
    assert events[-1] == "data: [DONE]"
    payloads = [json.loads(e[6:]) for e in events[:-1]]
    assert [p["choices"][0]["delta"].get("content") for p in payloads] == ["", "abcd", "efgh", None]
    assert "usage" not in payloads[0]  # only sent when stream_options.include_usage


def test_openai_errors(oai):
    import openai

    client = _openai(oai)
    oai.queue(
        ow.Error(429, "rate_limit_exceeded", "Rate limit reached."),
        ow.Error(401, "invalid_request_error", "Incorrect API key provided.", code="invalid_api_key"),
        ow.Error(500, "server_error", "boom"),
        ow.Error(503, "service_unavailable", "overloaded"),
    )
    with pytest.raises(openai.RateLimitError) as info:
        client.chat.completions.create(model="m", messages=MSGS)
    assert info.value.status_code == 429
    assert info.value.body == {"message": "Rate limit reached.", "type": "rate_limit_exceeded", "param": None, "code": "rate_limit_exceeded"}
    with pytest.raises(openai.AuthenticationError) as info:
        client.chat.completions.create(model="m", messages=MSGS)
    assert info.value.code == "invalid_api_key"
    with pytest.raises(openai.InternalServerError):
        client.chat.completions.create(model="m", messages=MSGS)
    with pytest.raises(openai.InternalServerError) as info:
        client.chat.completions.create(model="m", messages=MSGS, stream=True)
    assert info.value.status_code == 503
    assert len(oai.requests) == 4


def test_openai_429_then_text_with_retry(oai):
    oai.queue(ow.Error(429, "rate_limit_exceeded", "wait", headers={"retry-after-ms": "10"}), ow.Text("second try"))
    started = time.monotonic()
    resp = _openai(oai, max_retries=1).chat.completions.create(model="m", messages=MSGS)
    assert resp.choices[0].message.content == "second try"
    assert len(oai.requests) == 2
    assert time.monotonic() - started < 2


def test_openai_delay_times_out(oai):
    import openai

    oai.queue(ow.Delay(30))
    started = time.monotonic()
    with pytest.raises(openai.APITimeoutError):
        _openai(oai, timeout=0.3).chat.completions.create(model="m", messages=MSGS)
    assert time.monotonic() - started < 2


def test_openai_stream_error_mid_stream(oai):
    import openai

    oai.queue(ow.StreamError(after_chunks=2, message="model crashed"))
    stream = _openai(oai).chat.completions.create(model="m", messages=MSGS, stream=True)
    got = []
    with pytest.raises(openai.APIError) as info:
        for chunk in stream:
            got.append(chunk.choices[0].delta.content)
    assert got == ["", "part", "ial "]
    assert info.value.message == "model crashed"
    assert info.value.body["type"] == "server_error"


def test_openai_models_and_script(oai):
    import openai

    client = _openai(oai)
    oai.models = ["gpt-4o-mini", "local-model"]
    oai.queue(ow.Text("for chat"))
    assert [m.id for m in client.models.list()] == ["gpt-4o-mini", "local-model"]
    assert oai.pending == 1  # a Text is not consumed by /models
    oai.reset()
    oai.queue(ow.Error(503, "service_unavailable", "down"))
    with pytest.raises(openai.InternalServerError):
        client.models.list()
    assert [r.operation for r in oai.requests] == ["models"]


def test_openai_responder(oai):
    oai.responder = ow.echo_last_user
    resp = _openai(oai).chat.completions.create(
        model="m", messages=[{"role": "user", "content": [{"type": "text", "text": "mirror"}]}]
    )
    assert resp.choices[0].message.content == "mirror"


def _chat_openai(server, **kwargs):
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(model="gpt-4o-mini", base_url=server.url + "/v1", api_key="x", max_retries=0, timeout=5, **kwargs)


def test_langchain_openai_invoke(oai):
    from langchain_core.messages import HumanMessage, SystemMessage

    oai.queue(ow.Text("Mitochondria make ATP."))
    msg = _chat_openai(oai, temperature=0).invoke([SystemMessage("Be brief."), HumanMessage("What do mitochondria do?")])
    assert msg.content == "Mitochondria make ATP."
    assert msg.usage_metadata["output_tokens"] > 0
    (req,) = oai.requests
    assert req.body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What do mitochondria do?"},
    ]
    assert req.body["model"] == "gpt-4o-mini"


def test_langchain_openai_stream(oai):
    oai.queue(ow.Text(LONG, chunk_size=3))
    pieces = [c.content for c in _chat_openai(oai).stream("Recite the pangram.")]
    assert "".join(pieces) == LONG
    assert sum(1 for p in pieces if p) == len(ow._split(LONG, 3))
    (req,) = oai.requests
    assert req.stream and ow.last_user_text(req.body) == "Recite the pangram."
