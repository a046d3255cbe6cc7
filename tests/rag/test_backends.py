"""Every LLM backend end to end through ``Tutor.ask``/``Tutor.stream`` on the real index.

* ``local``: the real llama.cpp models of the registry (the default Qwen2.5-Coder-0.5B and
  SmolLM2-135M; the 1.5B is skipped when its packages are not installed).
* ``bedrock``: the real ``ChatBedrockConverse`` (boto3, SigV4, retries, timeouts) over real
  HTTP to ``BedrockWireServer`` on 127.0.0.1, which speaks Converse/ConverseStream.
* ``openai``: the real ``ChatOpenAI`` over real HTTP to ``OpenAIWireServer``.

The wire servers are the only fake: they stand where Amazon or an OpenAI-compatible server
would answer.
"""

from __future__ import annotations

import re
import sys

import pytest

from studyrag.rag.engine import SYSTEM_PROMPT, Answer, Tutor
from studyrag.rag.llms import get_backend
from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS
from studyrag.rag.verify import split_sentences
from tests.support.bedrock_wire import BedrockWireServer, Delay, Error, StreamError, Text
from tests.support.bedrock_wire import last_user_text as bedrock_user_text
from tests.support.openai_wire import OpenAIWireServer
from tests.support.openai_wire import last_user_text as openai_user_text

GT = "Amazon SageMaker Ground Truth"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")
ASYNC_Q = ("A radiology lab sends 700 MB scans that take 25 minutes each to score, and callers can wait "
           "for the result. Which SageMaker inference option fits?")
MCQ_STEM = "Which SageMaker capability lets people annotate raw images so that a model can be trained on them later?"
MCQ_OPTIONS = {"A": "Amazon SageMaker Canvas", "B": GT, "C": "Amazon Rekognition", "D": "Amazon SageMaker Studio"}
MARK_RE = re.compile(r"\[(\d+)\]")
PASSAGE_RE = re.compile(r"^\[(\d+)\] (.+)$", re.M)


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch, tmp_path):
    """No proxies, profiles, keys or endpoints from the machine; empty AWS config files."""
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy",
                "AWS_BEARER_TOKEN_BEDROCK", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_RETRY_MODE", "AWS_MAX_ATTEMPTS",
                "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL_BEDROCK",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
                "OPENAI_BASE_URL", "OPENAI_API_KEY", "OPENAI_ORG_ID", "OPENAI_PROJECT_ID"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        empty = tmp_path / name.lower()
        empty.write_text("")
        monkeypatch.setenv(name, str(empty))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")


@pytest.fixture
def aws_keys(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDTESTINGONLY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing-secret")


def assert_cited(ans: Answer, tutor: Tutor) -> None:
    ids = [c.id for c in ans.citations]
    assert ids == list(range(1, len(ids) + 1))
    for c in ans.citations:
        assert c.quote == tutor.knowledge.text_of(c.source)[c.start:c.end]
    used = {int(n) for n in MARK_RE.findall(ans.answer)}
    assert used and used <= set(ids), (used, ids)


def assert_one_clear_sentence(text: str | None, *words: str) -> None:
    assert text, "no error sentence"
    assert "\n" not in text and "Traceback" not in text and len(text) < 300
    for w in words:
        assert w.lower() in text.lower(), (w, text)


def passages_in(prompt: str) -> dict[int, str]:
    return {int(n): t for n, t in PASSAGE_RE.findall(prompt.split("\n\nQuestion:")[0])}


def echo_first_passage(user_text):
    """A responder that words the explanation with the first passage it was given."""
    def respond(body):
        passages = passages_in(user_text(body))
        return Text(next(iter(passages.values()))) if passages else None
    return respond


def stream_all(tutor: Tutor, question: str, **kw) -> Answer:
    events = list(tutor.stream(question, **kw))
    assert events[-1].type == "done" and all(e.type == "token" for e in events[:-1])
    ans = events[-1].answer
    assert "".join(e.text for e in events[:-1]).strip() == ans.answer
    return ans


@pytest.fixture(scope="module")
def none_tutor(index_settings):
    return Tutor(index_settings.with_overrides(backend="none"))


# == local (llama.cpp) ===========================================================================
def _local_model_or_skip(name: str) -> None:
    if not MODELS[name].installed():
        pytest.skip(f"model {name} is not installed ({MODELS[name].install})")


@pytest.mark.slow
@pytest.mark.parametrize("model, question, service", [
    (DEFAULT_MODEL, LABEL_Q, GT),
    ("smollm2-135m", ASYNC_Q, "Amazon SageMaker Asynchronous Inference"),
    ("qwen2.5-coder-1.5b", LABEL_Q, GT),
])
def test_local_model_answers_with_exact_citations(index_settings, model, question, service):
    _local_model_or_skip(model)
    # 64 new tokens are enough for the two short sentences the engine keeps; it stops there.
    settings = index_settings.with_overrides(backend="local", model=None if model == DEFAULT_MODEL else model,
                                             max_tokens=64)
    tutor = Tutor(settings)
    ans = stream_all(tutor, question)
    assert ans.backend == "local" and ans.model == model
    assert ans.error is None, ans.error
    assert ans.services == [service] and ans.answer.startswith(f"Answer: {service} [1]")
    assert ans.timings["generate_ms"] > 0, "the model never ran"
    assert_cited(ans, tutor)
    # Whatever the model wrote, each shown sentence after the lead ends with a citation.
    body = ans.answer.split("\n", 1)[1].strip()
    # A replaced draft says so on a last line of its own (no citation: it cites nothing).
    replaced = any(n.startswith("model draft rejected") for n in ans.notes)
    if replaced:
        body, note = body.rsplit("\n", 1)
        assert note == "(the model's wording did not match the sources; quoted instead)"
    assert body
    for sentence in re.split(r"(?<=\])\s+", body.strip()):
        assert MARK_RE.search(sentence[-6:]), sentence
    if ans.fallback:
        assert replaced


def test_only_strong_backends_may_decide_multiple_choice():
    assert get_backend("local").trusted_to_decide is False
    assert get_backend("bedrock").trusted_to_decide is True
    assert get_backend("openai").trusted_to_decide is True


# == bedrock ======================================================================================
@pytest.fixture(scope="module")
def bedrock_server():
    with BedrockWireServer(default=Text("OK")) as server:
        yield server


@pytest.fixture
def bedrock(bedrock_server):
    bedrock_server.reset()
    bedrock_server.responder = None
    yield bedrock_server
    assert not bedrock_server.errors, bedrock_server.errors


@pytest.fixture(scope="module")
def bedrock_tutors(index_settings, bedrock_server):
    """One Tutor per (retries, timeout), built on first use and reused; ``fresh`` ones (whose
    client must be built in the test's own environment) are never reused."""
    made: dict = {}

    def get(max_retries: int = 1, timeout_s: float = 5.0, fresh: bool = False, **kw) -> Tutor:
        key = (max_retries, timeout_s, tuple(sorted(kw.items())))
        if fresh or key not in made:
            tutor = Tutor(index_settings.with_overrides(
                backend="bedrock", bedrock_endpoint_url=bedrock_server.url, max_retries=max_retries,
                timeout_s=timeout_s, **kw))
            if fresh:
                return tutor
            made[key] = tutor
        return made[key]

    return get


def test_bedrock_streams_through_converse_stream_with_prompt_and_passages(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors()
    bedrock.responder = echo_first_passage(bedrock_user_text)
    ans = stream_all(tutor, LABEL_Q)
    assert ans.backend == "bedrock" and ans.model == tutor.settings.bedrock_model_id
    assert ans.error is None and ans.services == [GT]
    assert_cited(ans, tutor)
    assert bedrock.requests, "the model was never called"
    assert {r.operation for r in bedrock.requests} == {"converse-stream"}
    req = bedrock.requests[-1]
    assert req.model_id == tutor.settings.bedrock_model_id
    assert req.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256"), "not SigV4-signed"
    assert [b["text"] for b in req.body["system"]] == [SYSTEM_PROMPT]
    prompt = bedrock_user_text(req.body)
    assert LABEL_Q in prompt and f"Answer: {GT}" in prompt
    passages = passages_in(prompt)
    quotes = {c.id: c.quote for c in ans.citations}
    # each passage the model saw is a citation, word for word (a sentence with its neighbours)
    assert passages and all(" ".join(quotes[n].split()) == text for n, text in passages.items())
    assert req.body["inferenceConfig"]["temperature"] == 0.0


def test_bedrock_streamed_draft_is_shown(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors()
    bedrock.responder = echo_first_passage(bedrock_user_text)
    ans = stream_all(tutor, LABEL_Q)
    assert ans.error is None
    assert not ans.fallback, ans.notes


def test_bedrock_throttling_is_retried_and_then_answers(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors(max_retries=1)
    bedrock.queue(Error(429, "ThrottlingException", "Too many tokens, please wait before trying again."))
    bedrock.responder = echo_first_passage(bedrock_user_text)
    ans = stream_all(tutor, LABEL_Q)
    assert [r.operation for r in bedrock.requests] == ["converse-stream", "converse-stream"]
    assert ans.error is None
    assert not any("backend error" in n for n in ans.notes)
    assert_cited(ans, tutor)


def test_bedrock_access_denied_is_one_sentence_and_the_cited_answer_stays(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors(max_retries=2)
    bedrock.queue(Error(403, "AccessDeniedException", "You don't have access to the model with the specified model ID."))
    ans = stream_all(tutor, LABEL_Q)
    assert len(bedrock.requests) == 1, "403 must not be retried"
    assert_one_clear_sentence(ans.error, "access")
    assert ans.fallback and not ans.refused
    assert ans.services == [GT] and ans.answer.startswith(f"Answer: {GT} [1]")
    # The extractive explanation: cited sentences quoted from the guide.
    body = ans.answer.split("\n", 1)[1].strip()
    quotes = [c.quote for c in ans.citations]
    assert body and any(q in body for q in quotes[1:])
    assert_cited(ans, tutor)


def test_bedrock_missing_credentials_is_one_sentence(bedrock, bedrock_tutors):
    tutor = bedrock_tutors(fresh=True)  # its client must be built without keys
    ans = stream_all(tutor, LABEL_Q)
    assert bedrock.requests == [], "an unsigned request went out"
    assert_one_clear_sentence(ans.error, "credentials")
    assert ans.fallback and ans.services == [GT]
    assert_cited(ans, tutor)


def test_bedrock_unknown_profile_is_the_credentials_sentence(bedrock, bedrock_tutors):
    tutor = bedrock_tutors(fresh=True, aws_profile="no-such-profile")
    ans = tutor.ask(LABEL_Q)
    assert_one_clear_sentence(ans.error, "credentials", "AWS_PROFILE")
    assert ans.fallback and bedrock.requests == []


def test_bedrock_server_errors_after_retries_then_the_next_question_works(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors(max_retries=1)
    bedrock.queue(Error(500, "InternalServerException", "boom"), Error(503, "ServiceUnavailableException", "busy"))
    ans = stream_all(tutor, LABEL_Q)
    assert len(bedrock.requests) == 2, "max_retries=1 means two attempts"
    assert_one_clear_sentence(ans.error, "server error", "try again")
    assert ans.fallback and ans.services == [GT]
    assert_cited(ans, tutor)

    bedrock.responder = echo_first_passage(bedrock_user_text)
    nxt = stream_all(tutor, ASYNC_Q)
    assert nxt.error is None and len(bedrock.requests) == 3
    assert nxt.services == ["Amazon SageMaker Asynchronous Inference"]
    assert_cited(nxt, tutor)


def test_bedrock_timeout_is_one_sentence(bedrock, bedrock_tutors, aws_keys):
    tutor = bedrock_tutors(max_retries=0, timeout_s=1.0)
    bedrock.queue(Delay(4.0))
    ans = stream_all(tutor, LABEL_Q)
    assert len(bedrock.requests) == 1
    assert ans.timings["generate_ms"] < 3500, "the 1 s read timeout did not apply"
    assert_one_clear_sentence(ans.error, "in time", "STUDYRAG_TIMEOUT_S")
    assert ans.fallback and ans.services == [GT]
    assert_cited(ans, tutor)


@pytest.mark.parametrize("exc_type, words", [
    (None, ["stream broke off", "try again"]),  # modelStreamErrorException
    ("ThrottlingException", ["throttling"]),
    ("InternalServerException", ["server error", "try again"]),
])
def test_bedrock_stream_breaking_mid_answer_is_one_sentence(bedrock, bedrock_tutors, aws_keys, exc_type, words):
    """In-stream errors arrive as event-stream exception frames with a lower-cased type."""
    tutor = bedrock_tutors()
    bedrock.queue(StreamError(after_chunks=2, type=exc_type, text="Amazon SageMaker Ground Truth is the"))
    ans = stream_all(tutor, LABEL_Q)
    assert len(bedrock.requests) == 1, "an in-stream error is not retried"
    assert_one_clear_sentence(ans.error, *words)
    assert "EventStreamError" not in ans.error and "An error occurred" not in ans.error
    assert ans.fallback and "Ground Truth is the\n" not in ans.answer
    assert_cited(ans, tutor)


def test_bedrock_missing_package_names_the_install(monkeypatch, bedrock, bedrock_tutors, aws_keys):
    monkeypatch.setitem(sys.modules, "langchain_aws", None)  # import langchain_aws -> ImportError
    tutor = bedrock_tutors(fresh=True)
    ans = tutor.ask(LABEL_Q)
    assert_one_clear_sentence(ans.error, "pip install 'studyrag[bedrock]'")
    assert ans.fallback and ans.services == [GT]


# -- a strong backend decides multiple choice -------------------------------------------------------
@pytest.fixture(scope="module")
def scorer_pick(none_tutor):
    """What the evidence scorer alone picks (no LLM)."""
    ans = none_tutor.ask(MCQ_STEM, options=MCQ_OPTIONS)
    assert ans.choice and len(ans.choice) == 1
    return ans.choice


def test_bedrock_pick_follows_a_valid_letter(bedrock, bedrock_tutors, aws_keys, scorer_pick):
    tutor = bedrock_tutors()
    other = next(k for k in MCQ_OPTIONS if [k] != scorer_pick)
    bedrock.queue(Text(other))
    ans = tutor.ask(MCQ_STEM, options=MCQ_OPTIONS)
    assert ans.choice == [other]
    assert ans.answer.startswith(f"Answer: {other}. {MCQ_OPTIONS[other]}")
    ask = bedrock.requests[0]
    assert ask.operation == "converse"  # the pick is one plain Converse call
    prompt = bedrock_user_text(ask.body)
    assert all(f"{k}. {v}" in prompt for k, v in MCQ_OPTIONS.items())
    assert "Reply with only the letter" in prompt


@pytest.mark.parametrize("reply", ["I am not sure, maybe Z.", "A or B", "E", ""])
def test_bedrock_pick_falls_back_to_the_scorer_on_garbage(bedrock, bedrock_tutors, aws_keys, scorer_pick, reply):
    tutor = bedrock_tutors()
    bedrock.queue(Text(reply))
    ans = tutor.ask(MCQ_STEM, options=MCQ_OPTIONS)
    assert bedrock.requests[0].operation == "converse"
    assert ans.choice == scorer_pick


def test_bedrock_pick_falls_back_to_the_scorer_when_the_call_fails(bedrock, bedrock_tutors, aws_keys, scorer_pick):
    tutor = bedrock_tutors(max_retries=0)
    bedrock.queue(Error(400, "ValidationException", "malformed input request"))
    ans = tutor.ask(MCQ_STEM, options=MCQ_OPTIONS)
    assert ans.choice == scorer_pick
    assert_cited(ans, tutor)


# == openai-compatible ==============================================================================
@pytest.fixture(scope="module")
def openai_server():
    with OpenAIWireServer(default=Text("OK"), models=("wire-model",)) as server:
        yield server


@pytest.fixture
def openai(openai_server):
    openai_server.reset()
    openai_server.responder = None
    yield openai_server
    assert not openai_server.errors, openai_server.errors


@pytest.fixture(scope="module")
def openai_tutor(index_settings, openai_server):
    return Tutor(index_settings.with_overrides(
        backend="openai", openai_base_url=openai_server.base_url, model="wire-model",
        openai_api_key="sk-test", max_retries=0, timeout_s=1.5))


def test_openai_streams_a_checked_draft(openai, openai_tutor):
    openai.responder = echo_first_passage(openai_user_text)
    ans = stream_all(openai_tutor, LABEL_Q)
    assert ans.backend == "openai" and ans.model == "wire-model"
    assert ans.error is None and not ans.fallback and ans.notes == []
    assert_cited(ans, openai_tutor)
    req = openai.requests[-1]
    assert req.operation == "chat.completions" and req.stream and req.model_id == "wire-model"
    assert req.headers.get("authorization") == "Bearer sk-test"
    assert req.body["messages"][0] == {"role": "system", "content": SYSTEM_PROMPT}
    prompt = openai_user_text(req.body)
    shown = ans.answer.split("\n", 1)[1]
    first = split_sentences(next(iter(passages_in(prompt).values())) + " ")[0][0]
    assert shown.strip().startswith(first), "the model's (checked) sentence is what is shown"


@pytest.mark.parametrize("reply, words", [
    (Error(500, "server_error", "The server had an error while processing your request."), ["server error"]),
    (Error(401, "invalid_api_key", "Incorrect API key provided."), ["API key"]),
    (Error(404, "model_not_found", "The model `wire-model` does not exist."), ["model"]),
    (Delay(4.0), ["in time", "STUDYRAG_TIMEOUT_S"]),
])
def test_openai_errors_are_one_clear_sentence(openai, openai_tutor, reply, words):
    openai.queue(reply)
    ans = stream_all(openai_tutor, LABEL_Q)
    assert_one_clear_sentence(ans.error, *words)
    assert "Error code" not in ans.error
    assert ans.fallback and ans.services == [GT]
    assert_cited(ans, openai_tutor)


def test_openai_rate_limit_is_retried_and_then_answers(openai, index_settings):
    tutor = Tutor(index_settings.with_overrides(
        backend="openai", openai_base_url=openai.base_url, model="wire-model", max_retries=1, timeout_s=5))
    openai.queue(Error(429, "rate_limit_exceeded", "Rate limit reached.", headers={"retry-after-ms": "10"}))
    openai.responder = echo_first_passage(openai_user_text)
    ans = tutor.ask(LABEL_Q)
    assert [r.operation for r in openai.requests] == ["chat.completions", "chat.completions"]
    assert ans.error is None and not ans.fallback
    assert_cited(ans, tutor)


def test_openai_unreachable_server_is_one_sentence(index_settings):
    with OpenAIWireServer() as gone:
        url = gone.base_url  # a port that nothing listens on once the server stops
    tutor = Tutor(index_settings.with_overrides(backend="openai", openai_base_url=url, max_retries=0, timeout_s=2))
    ans = tutor.ask(LABEL_Q)
    assert_one_clear_sentence(ans.error, "unreachable", "STUDYRAG_OPENAI_BASE_URL")
    assert ans.fallback and ans.services == [GT]


def test_openai_pick_follows_the_server_and_falls_back_on_garbage(openai, openai_tutor, scorer_pick):
    other = next(k for k in MCQ_OPTIONS if [k] != scorer_pick)
    openai.queue(Text(other))
    assert openai_tutor.ask(MCQ_STEM, options=MCQ_OPTIONS).choice == [other]
    openai.queue(Text("None of these; the answer is F."))
    assert openai_tutor.ask(MCQ_STEM, options=MCQ_OPTIONS).choice == scorer_pick


def test_a_registered_backend_is_selectable_everywhere_names_are_checked():
    """The registry is the only list of backend names: a plugin that registers is accepted by
    Settings, offered by the web app and built by the engine's lookup."""
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from studyrag.rag.llms import BackendInfo, choices, register
    from studyrag.settings import Settings
    from studyrag.ui.app import settings_for

    register(BackendInfo("echo-plugin", lambda s: FakeListChatModel(responses=["ok."]), lambda s: "echo"))
    assert "echo-plugin" in choices()
    s = Settings(backend="echo-plugin")
    assert settings_for(s, {"backend": "echo-plugin"}).backend == "echo-plugin"
    assert get_backend("echo-plugin").factory(s).invoke("hi").content == "ok."
    with pytest.raises(ValueError, match="unknown backend 'nope'"):
        Settings(backend="nope")
