"""`studyrag ask`, `ask --batch`, `chat` and `models`, run as the installed command in a real
subprocess against the session index (extractive ``--backend none`` where the model is not
the point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

GT = "Amazon SageMaker Ground Truth"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")
MCQ_STEM = "Which SageMaker capability lets people annotate raw images so that a model can be trained on them later?"
MCQ_OPTIONS = {"A": "Amazon SageMaker Canvas", "B": GT, "C": "Amazon Rekognition", "D": "Amazon SageMaker Studio"}
CONTRACT = {"question", "answer", "citations", "refused", "fallback", "backend", "model", "timings"}
CITATION_KEYS = {"id", "source", "section", "start", "end", "quote", "page"}
TIMING_KEYS = {"retrieve_ms", "first_token_ms", "generate_ms", "total_ms"}
_BIN = Path(sys.executable).with_name("studyrag")
STUDYRAG = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "studyrag.cli"]


@pytest.fixture(scope="module")
def cli(index_settings):
    """Run `studyrag ARGS...` on the session index; returns the CompletedProcess (bytes out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYRAG_", "AWS_", "OPENAI_"))}
    env.update(STUDYRAG_WORK_DIR=str(index_settings.work_dir), HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1",
               TOKENIZERS_PARALLELISM="false", PYTHONIOENCODING="utf-8")
    index = ["--index-dir", str(index_settings.resolved_index_dir), "--source", str(index_settings.data_dir)]

    def run(*args, stdin: bytes | None = None, backend: str | None = "none", index_flags: bool = True,
            timeout: float = 180):
        argv = list(STUDYRAG) + list(args)
        if index_flags:
            argv += index
        if backend:
            argv += ["--backend", backend]
        return subprocess.run(argv, input=stdin, capture_output=True, env=env, timeout=timeout,
                              cwd=str(index_settings.work_dir.parent))

    return run


@pytest.fixture(scope="module")
def guide(index_settings) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in Path(index_settings.data_dir).iterdir()}


def assert_contract(obj: dict, guide: dict[str, str]) -> None:
    assert CONTRACT <= set(obj), CONTRACT - set(obj)
    assert isinstance(obj["question"], str) and isinstance(obj["answer"], str)
    assert isinstance(obj["refused"], bool) and isinstance(obj["fallback"], bool)
    assert set(obj["timings"]) >= TIMING_KEYS
    assert all(isinstance(obj["timings"][k], (int, float)) for k in TIMING_KEYS)
    for i, c in enumerate(obj["citations"], 1):
        assert set(c) == CITATION_KEYS
        assert c["id"] == i and isinstance(c["start"], int) and isinstance(c["end"], int)
        assert c["quote"] == guide[c["source"]][c["start"]:c["end"]]


def no_traceback(proc) -> None:
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")


# -- ask ------------------------------------------------------------------------------------------
def test_ask_json_prints_exactly_one_contract_object(cli, guide):
    proc = cli("ask", "--json", LABEL_Q)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    lines = out.strip().splitlines()
    assert len(lines) == 1, out
    obj = json.loads(lines[0])
    assert_contract(obj, guide)
    assert obj["question"] == LABEL_Q and obj["backend"] == "none" and obj["model"] == "extractive"
    assert GT in obj["answer"] and obj["citations"] and not obj["refused"]
    assert "choice" not in obj  # only multiple-choice answers carry one


def test_ask_json_with_undecodable_bytes_still_prints_valid_utf8_json(cli, guide):
    question = LABEL_Q.encode() + b" \xff\xfe\xc3"
    proc = cli("ask", "--json", question)
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout.decode("utf-8"))  # strict: a stray byte would fail here
    assert_contract(obj, guide)
    assert obj["question"].startswith(LABEL_Q) and "\ufffd" in obj["question"]
    assert GT in obj["answer"]


def test_ask_json_reports_a_backend_failure_in_the_object(cli, guide):
    proc = cli("ask", "--json", "--model", "no-such-model", LABEL_Q, backend="local")
    assert proc.returncode == 0, proc.stderr
    obj = json.loads(proc.stdout.decode("utf-8"))
    assert_contract(obj, guide)
    assert "unknown local model 'no-such-model'" in obj["error"] and "\n" not in obj["error"]
    assert obj["fallback"] is True and GT in obj["answer"]


def test_ask_streams_text_then_lists_the_sources(cli, guide):
    proc = cli("ask", LABEL_Q)
    assert proc.returncode == 0
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    answer, sources = out.split("\nSources:\n")
    assert answer.strip().startswith(f"Answer: {GT} [1]")
    assert "  [1] " in sources and '      "' in sources


@pytest.mark.parametrize("question", ["", "   ", "\t\n"])
def test_ask_empty_question_exits_2_with_a_message(cli, question):
    proc = cli("ask", "--json", question)
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert b"question is empty" in proc.stderr
    no_traceback(proc)


def test_ask_unreadable_question_exits_2(cli):
    proc = cli("ask", "--json", "\x01\x02\x03")
    assert proc.returncode == 2 and proc.stdout == b""
    assert b"no readable text" in proc.stderr


# -- ask --batch ---------------------------------------------------------------------------------
def test_batch_answers_every_line_in_order_and_survives_bad_lines(cli, guide, tmp_path):
    lines = [
        json.dumps({"id": "scn", "question": LABEL_Q}),
        json.dumps({"id": 42, "question": MCQ_STEM, "options": MCQ_OPTIONS}),
        "this is not json",
        "",
        json.dumps([1, 2, 3]),
        json.dumps({"id": "empty", "question": "   "}),
        json.dumps({"id": "bad-options", "question": MCQ_STEM, "options": ["A", "B"]}),
        json.dumps({"id": "number-options", "question": MCQ_STEM, "options": {"A": 1, "B": None, "C": GT}}),
        json.dumps({"id": "off-topic", "question": "Who painted the Mona Lisa?"}),
    ]
    batch = tmp_path / "questions.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = cli("ask", "--batch", str(batch))
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["scn", 42, "line-3", "line-5", "empty", "bad-options", "number-options",
                                      "off-topic"]
    by = {o["id"]: o for o in out}
    for good in ("scn", 42, "number-options", "off-topic"):
        assert "error" not in by[good] or by[good]["error"] is None, by[good]
        assert_contract(by[good], guide)
    assert GT in by["scn"]["answer"] and "choice" not in by["scn"]
    assert by[42]["choice"] == ["B"] and by[42]["answer"].startswith(f"Answer: B. {GT}")
    assert by["number-options"]["choice"] == ["C"]  # 1 became "1"; the None option was dropped
    assert "B." not in by["number-options"]["answer"]
    assert by["off-topic"]["refused"] is True and by["off-topic"]["citations"] == []
    for bad, why in (("line-3", "not JSON"), ("line-5", "not a JSON object"), ("empty", "empty"),
                     ("bad-options", "options must be an object")):
        assert why in by[bad]["error"], by[bad]
        assert by[bad]["answer"] == "" and by[bad]["citations"] == []
    err = proc.stderr.decode("utf-8", errors="replace")
    assert "Answering" in err and "8/8" in err  # tqdm progress goes to stderr
    assert "4 of 8 lines could not be answered" in err


def test_batch_reads_stdin(cli):
    stdin = (json.dumps({"id": "a", "question": LABEL_Q}) + "\n" + json.dumps({"question": MCQ_STEM}) + "\n").encode()
    proc = cli("ask", "--batch", "-", stdin=stdin)
    assert proc.returncode == 0
    out = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [o["id"] for o in out] == ["a", None]
    assert GT in out[0]["answer"]


def test_batch_missing_file_exits_2(cli, tmp_path):
    proc = cli("ask", "--batch", str(tmp_path / "nope.jsonl"))
    assert proc.returncode == 2 and b"cannot read" in proc.stderr
    no_traceback(proc)


# -- models ----------------------------------------------------------------------------------------
def test_models_lists_the_registry_with_installed_yes_no(cli):
    proc = cli("models", backend=None, index_flags=False)
    assert proc.returncode == 0
    out = proc.stdout.decode("utf-8")
    rows = {line.split()[0].rstrip("*"): line.split() for line in out.splitlines()[1:] if line and not line.startswith(" ")
            and line.split()[0].rstrip("*") in MODELS}
    assert set(rows) == set(MODELS) == {"smollm2-135m", "qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b",
                                        "qwen2.5-coder-0.5b-q4"}
    for name, row in rows.items():
        assert row[1] == ("yes" if MODELS[name].installed() else "no")
        if MODELS[name].requantized_from:  # derived here from its verified source
            assert row[2] == "derived" and f"q4_0 of {MODELS[name].requantized_from}" in " ".join(row)
        else:
            assert MODELS[name].sha256[:16] in row
        if not MODELS[name].installed():
            assert f"install: {MODELS[name].install}" in out
    assert f"{DEFAULT_MODEL}*" in out
    assert "backends: bedrock, local, openai, none" in out


# -- chat ------------------------------------------------------------------------------------------
def _turns(out: str) -> list[str]:
    """Each answer the chat printed, in order (the prompt is '\\n> ')."""
    return [t for t in out.split("\n> ")[1:] if t.strip()]


def test_chat_follow_up_is_answered_about_the_asynchronous_option(cli):
    stdin = "What is serverless inference?\nand the asynchronous one?\n/quit\n".encode()
    proc = cli("chat", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    turns = _turns(proc.stdout.decode("utf-8"))
    assert len(turns) == 2, turns
    first, second = (t.split("\nSources:\n") for t in turns)
    assert "Serverless Inference" in first[0]
    assert "Asynchronous Inference" in second[0]
    assert "Asynchronous Inference" in second[1].split("\n  [2]")[0], "its first source is not about it"


def test_chat_survives_bad_bytes_empty_lines_and_new(cli):
    stdin = b"\xff\xfe\n\n   \n/new\n" + LABEL_Q.encode() + b"\n"  # then EOF, like Ctrl-D
    proc = cli("chat", stdin=stdin)
    assert proc.returncode == 0, proc.stderr
    no_traceback(proc)
    out = proc.stdout.decode("utf-8")
    assert f"Answer: {GT} [1]" in out
    assert b"(new chat)" in proc.stderr
