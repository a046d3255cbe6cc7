"""The local model in its supervised child process: real llama.cpp, real signals.

A worker SIGKILLed or SIGSEGVed in the middle of an answer, stopped (SIGSTOP) until the
timeout, or killed half-way through a batch: the answer still arrives, cited, with
``fallback`` and one sentence in ``error``; the next question gets a new worker; no zombie
is left. Also: the weight-repacking switch that keeps AMX CPUs alive, the busy rule, and
``studyrag doctor``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from studyrag.rag.engine import Tutor
from studyrag.rag.llms.local import local_model_path
from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS
from studyrag.rag.llms.cpu import cmake_args, repack_safe
from studyrag.rag.llms.supervisor import ModelWorker, WorkerBusy, WorkerSpec, describe_exit

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not MODELS[DEFAULT_MODEL].installed(), reason="the default local model is not installed"),
]

GT = "Amazon SageMaker Ground Truth"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")
BATCH_Q = ("A fraud team scores the full monthly transaction table in one nightly run. "
           "Which AWS service should they use?")
WORKER_MODULE = "studyrag.rag.llms.worker"
_BIN = Path(sys.executable).with_name("studyrag")
STUDYRAG = [str(_BIN)] if _BIN.exists() else [sys.executable, "-m", "studyrag.cli"]


# -- process helpers ---------------------------------------------------------------------------
def _fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (state, ppid, ..., utime, stime, ..., nice), or None."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2:].split()


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, or None when it is gone."""
    f = _fields(pid)
    return None if f is None else (f[0], int(f[1]))


def workers_of(parent: int) -> list[int]:
    """Live or zombie worker processes whose parent is ``parent``."""
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = _stat(int(d))
        if st is None or st[1] != parent:
            continue
        try:
            cmd = Path(f"/proc/{d}/cmdline").read_bytes()
        except OSError:
            continue
        if WORKER_MODULE.encode() in cmd or st[0] == "Z":
            out.append(int(d))
    return out


def zombies_of(parent: int) -> list[int]:
    return [p for p in workers_of(parent) if (_stat(p) or ("", 0))[0] == "Z"]


def wait_for(pred, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def assert_cited(ans: dict, text_of) -> None:
    ids = [c["id"] for c in ans["citations"]]
    assert ids and ids == list(range(1, len(ids) + 1))
    for c in ans["citations"]:
        assert c["quote"] == text_of(c["source"])[c["start"]:c["end"]]
    used = {int(n) for n in re.findall(r"\[(\d+)\]", ans["answer"])}
    assert used and used <= set(ids)


# -- in-process Tutor with the real model ------------------------------------------------------------
@pytest.fixture(scope="module")
def local_tutor(index_settings):
    t = Tutor(index_settings.with_overrides(backend="local"))
    t.chat_model().warm_up()
    yield t
    t.chat_model().worker.close()


def _kill_while_generating(worker: ModelWorker, sig: int, delay: float = 0.3) -> threading.Thread:
    """Send ``sig`` to the worker once it is working on a request."""
    def run():
        wait_for(lambda: worker.generating and worker.pid, 120, "the worker to start generating")
        time.sleep(delay)
        os.kill(worker.pid, sig)
    th = threading.Thread(target=run, daemon=True)
    th.start()
    return th


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_a_worker_killed_mid_answer_gives_the_cited_answer_and_the_next_question_a_new_worker(local_tutor, sig):
    worker = local_tutor.chat_model().worker
    first_pid, starts = worker.pid, worker.starts
    killer = _kill_while_generating(worker, sig)
    ans = local_tutor.ask(LABEL_Q).to_json()
    killer.join(5)
    assert ans["services"] == [GT] and ans["fallback"] is True
    assert ans["error"] == describe_exit(-sig) + "; answered from the guide's text"
    assert_cited(ans, local_tutor.knowledge.text_of)
    assert zombies_of(os.getpid()) == []

    nxt = local_tutor.ask(BATCH_Q).to_json()
    assert nxt["error"] is None and nxt["services"] == ["Amazon SageMaker Batch Transform"]
    assert worker.starts == starts + 1 and worker.pid not in (None, first_pid)
    assert _stat(first_pid) is None and zombies_of(os.getpid()) == []


def test_a_stopped_worker_hits_the_timeout_and_is_replaced(index_settings):
    tutor = Tutor(index_settings.with_overrides(backend="local", local_timeout_s=3.0))
    worker = tutor.chat_model().worker
    try:
        tutor.chat_model().warm_up()
        stopped = worker.pid
        killer = _kill_while_generating(worker, signal.SIGSTOP, delay=0.1)
        t = time.perf_counter()
        ans = tutor.ask(LABEL_Q).to_json()
        killer.join(5)
        assert time.perf_counter() - t < 60
        assert ans["fallback"] and re.search(r"did not produce a token within (3|12) s", ans["error"]), ans["error"]
        assert ans["services"] == [GT]
        assert_cited(ans, tutor.knowledge.text_of)
        assert _stat(stopped) is None, "the stopped worker was not killed and reaped"
        worker.timeout_s = 60.0  # the replacement loads and answers at its own pace
        nxt = tutor.ask(BATCH_Q).to_json()
        assert nxt["error"] is None and worker.pid not in (None, stopped)
    finally:
        worker.close()


def test_a_question_arriving_while_the_model_is_busy_gets_its_cited_answer_at_once(local_tutor):
    worker = local_tutor.chat_model().worker
    held = threading.Event()
    release = threading.Event()

    def hold():  # another question's explanation, in progress
        for _ in worker.chat([{"role": "user", "content": "Count from one to forty in words."}], max_tokens=200):
            held.set()
            if release.wait(0):
                break

    th = threading.Thread(target=hold, daemon=True)
    th.start()
    try:
        assert held.wait(120)
        with pytest.raises(WorkerBusy):
            next(iter(worker.chat([{"role": "user", "content": "hi"}])))
        ans = local_tutor.ask(LABEL_Q).to_json()
        assert ans["busy"] and ans["fallback"] and ans["error"] is None
        assert ans["answer"].rstrip().endswith("(busy: answered from the guide's text)")
        assert ans["services"] == [GT]
        assert ans["timings"]["generate_ms"] < 1000
        assert_cited(ans, local_tutor.knowledge.text_of)
    finally:
        release.set()
        th.join(60)


def test_the_worker_yields_the_cpu_to_retrieval_under_load(local_tutor):
    """It runs at the configured niceness (10): idle, that costs nothing; under load the
    answers being retrieved get the CPU first (docs/local-model.md has the load figures)."""
    local_tutor.chat_model().warm_up()
    pid = local_tutor.chat_model().worker.pid
    assert int(_fields(pid)[16]) == local_tutor.settings.local_nice == 10


def test_a_reply_cut_short_by_the_caller_leaves_the_worker_ready_for_the_next(local_tutor):
    worker = local_tutor.chat_model().worker
    msgs = [{"role": "user", "content": "Write the numbers from 1 to 60 separated by commas."}]
    stream = worker.chat(msgs, max_tokens=200)
    first = next(stream)
    stream.close()  # the engine stops reading after two accepted sentences
    assert first and not worker.generating
    reply = "".join(worker.chat([{"role": "user", "content": "Say only the word: yes"}], max_tokens=4))
    assert "yes" in reply.lower() and "," not in reply


def test_a_chinese_question_starts_no_translator_model(local_tutor, monkeypatch):
    """A Chinese question is read with the dictionary (rag/gloss): the lead does not wait for
    a second model, and only the explainer's model is asked anything."""
    from studyrag.rag.llms.local import LlamaCppChat

    started: list[str] = []
    real_init = LlamaCppChat.__init__

    def watched(self, *a, **kw):
        started.append(kw.get("role", "explain"))
        real_init(self, *a, **kw)

    monkeypatch.setattr(LlamaCppChat, "__init__", watched)
    ans = local_tutor.ask("一位完全沒有程式經驗的分析師想用 CSV 檔預測客戶流失，應該用哪個功能？")
    assert ans.english and ans.citations and ans.lang == "zh"
    assert "translate" not in started, started


@pytest.mark.parametrize("repack", [False, True])
def test_the_model_answers_with_weight_repacking_off_and_on(index_settings, repack):
    """Off is what a build with AMX code gets on an AMX CPU (ggml's AMX repack crashes:
    llama.cpp issue 20824); this CPU has no AMX, so both paths are forced and run here."""
    path, _ = local_model_path(index_settings.with_overrides(backend="local"))
    worker = ModelWorker(WorkerSpec(str(path), repack=repack))
    try:
        msgs = [{"role": "user", "content": "word " * 250 + "\nReply with the single word: done"}]
        reply = "".join(worker.chat(msgs, max_tokens=8))
        assert reply.strip() and worker.last_end["context_tokens"] > 200
        assert worker.repack is repack
    finally:
        worker.close()


def test_amx_cpus_get_a_build_without_amx_code_and_no_repacking_where_a_build_has_it():
    sapphire = {"avx", "avx2", "fma", "f16c", "bmi2", "avx512f", "avx512_vnni", "avx512_bf16",
                "amx_tile", "amx_int8", "amx_bf16"}
    args = cmake_args(sapphire)
    assert "-DGGML_NATIVE=OFF" in args and "-DGGML_AVX512=ON" in args
    assert all(f"-DGGML_AMX_{x}=OFF" in args for x in ("TILE", "INT8", "BF16"))
    assert "-DGGML_AVX512=OFF" in cmake_args({"avx", "avx2", "fma", "f16c"})
    native_amx_build = "CPU : AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |"
    assert not repack_safe(native_amx_build, sapphire)
    assert repack_safe(native_amx_build.replace("AMX_INT8 = 1", "AMX_INT8 = 0"), sapphire)
    assert repack_safe(native_amx_build, {"avx2", "avx512f"})


# -- the CLI and the web app -------------------------------------------------------------------------
def cli_env(index_settings, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDYRAG_", "AWS_", "OPENAI_"))}
    env.update(STUDYRAG_WORK_DIR=str(index_settings.work_dir), STUDYRAG_DATA_DIR=str(index_settings.data_dir),
               HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONIOENCODING="utf-8", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def _read_line_with(proc, needle: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"never saw {needle!r}: {''.join(lines)[-2000:]}")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSEGV])
def test_ask_survives_its_worker_dying_mid_stream(index_settings, sig):
    proc = subprocess.Popen(STUDYRAG + ["ask", LABEL_Q], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=cli_env(index_settings))
    try:
        _read_line_with(proc, "Ground Truth", timeout=180)  # the lead: the model explains next
        pid = wait_for(lambda: workers_of(proc.pid), 30, "the worker")[0]
        wait_generating(pid)
        os.kill(pid, sig)
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "Sources:" in out and re.search(r"\[1\]", out)
    assert f"the local model stopped (signal {int(sig)}, {sig.name})" in err
    assert _stat(pid) is None


def test_a_batch_whose_worker_is_killed_at_item_3_of_10_returns_10_answers(index_settings, tmp_path):
    questions = [LABEL_Q, BATCH_Q] * 5
    batch = tmp_path / "q.jsonl"
    batch.write_text("".join(json.dumps({"id": f"q{i}", "question": q}) + "\n" for i, q in enumerate(questions)))
    proc = subprocess.Popen(STUDYRAG + ["ask", "--batch", str(batch)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=cli_env(index_settings))
    lines = []
    try:
        for _ in range(2):
            lines.append(proc.stdout.readline())
        pid = wait_for(lambda: workers_of(proc.pid), 30, "the worker")[0]
        wait_generating(pid)  # on item 3
        os.kill(pid, signal.SIGKILL)
        rest, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    answers = [json.loads(x) for x in lines + rest.splitlines() if x.strip()]
    assert proc.returncode == 0, err
    assert [a["id"] for a in answers] == [f"q{i}" for i in range(10)]
    assert all(a["citations"] and not a["refused"] for a in answers)
    stopped = [a for a in answers if a.get("error")]
    assert len(stopped) == 1 and "signal 9" in stopped[0]["error"] and stopped[0]["fallback"]
    assert answers.index(stopped[0]) >= 2


def wait_generating(pid: int) -> None:
    """Until the worker has spent 0.8 s of CPU since now: more than loading the model takes,
    less than reading the prompt and writing the reply (about 3 s of CPU), so a kill then
    lands in the middle of the reply."""
    before = wait_for(lambda: _cpu_ticks(pid), 30, "the worker's CPU time")
    wait_for(lambda: (_cpu_ticks(pid) or 0) > before + 80, 120, "the worker to compute")


def _cpu_ticks(pid: int) -> int | None:
    f = _fields(pid)
    return None if f is None else int(f[11]) + int(f[12])


def test_web_app_ask_survives_a_killed_worker(index_settings, tmp_path):
    pytest.importorskip("gradio")
    from gradio_client import Client

    from studyrag.ui.app import UIService, build_app, launch
    from tests.ui.conftest import free_port, wait_http

    settings = index_settings.with_overrides(backend="local")
    service = UIService(settings, feedback_path=tmp_path / "fb.sqlite3")
    demo = build_app(service)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, concurrency=4)
    try:
        wait_http(f"http://127.0.0.1:{port}/")
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        worker = service.tutor().chat_model().worker
        killer = _kill_while_generating(worker, signal.SIGKILL)
        ans = client.predict(question=LABEL_Q, api_name="/ask")
        killer.join(5)
        assert ans["fallback"] and "signal 9" in ans["error"] and GT in ans["answer"]
        assert_cited(ans, service.tutor().knowledge.text_of)
        nxt = client.predict(question=BATCH_Q, api_name="/ask")
        assert not nxt.get("error") and "Batch Transform" in nxt["answer"]
        assert zombies_of(os.getpid()) == []
    finally:
        demo.close()
        service.tutor().chat_model().worker.close()


def test_doctor_reports_the_build_and_runs_a_smoke_generation(index_settings):
    out = subprocess.run(STUDYRAG + ["doctor"], capture_output=True, text=True, timeout=300,
                         env=cli_env(index_settings))
    assert out.returncode == 0, out.stderr
    assert re.search(r"llama\.cpp: .*AVX2 = 1", out.stdout)
    m = re.search(r"smoke: +ok: .* (\d+) prompt \+ (\d+) reply tokens", out.stdout)
    assert m and int(m.group(1)) >= 200 and int(m.group(2)) > 0


def test_doctor_fails_with_one_line_on_a_file_that_is_not_a_model(index_settings, tmp_path):
    junk = tmp_path / "junk.gguf"
    junk.write_bytes(b"GGUF" + os.urandom(4096))
    out = subprocess.run(STUDYRAG + ["doctor", "--model-path", str(junk)], capture_output=True, text=True,
                         timeout=120, env=cli_env(index_settings))
    assert out.returncode == 1
    err = [x for x in out.stderr.splitlines() if x.strip()]
    assert len(err) == 1 and err[0].startswith("studyrag doctor: error: cannot load GGUF"), out.stderr
