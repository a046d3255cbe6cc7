"""The parent side of the local model: start, watch, time out and restart its child process.

One ``ModelWorker`` per (GGUF, context size, role) per process: the explainer and the
translator of practice items into Chinese each get their own, so each keeps its fixed prompt
prefix in its KV cache, also when both run the same GGUF (one shared context re-read both prefixes). A crash, a kill or a generation that stops producing tokens for
``timeout_s`` (the first token: 4x that) ends only the request in flight: it raises ``WorkerStopped`` with one
sentence ("the local model stopped (signal 11, SIGSEGV); ..."), and the next request starts
a fresh child. When ``max_waiting`` requests already wait for the model, a new one raises
``WorkerBusy`` at once instead of queueing (the caller answers from the guide's text).

    >>> describe_exit(-11)
    'the local model stopped (signal 11, SIGSEGV)'
    >>> describe_exit(3)
    'the local model stopped (exit code 3)'
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from typing import Iterator

from .base import BackendError

FALLBACK_SUFFIX = "; answered from the guide's text"
# A long prompt on a busy machine (the worker is niced) takes many times a token's time to
# read: the first token may take this many times ``timeout_s``.
FIRST_TOKEN_FACTOR = 4


class WorkerStopped(BackendError):
    """The child crashed, was killed or hung; this request is answered without the model."""


class WorkerBusy(BackendError):
    """Requests already wait for the model; this one is answered without it."""


@dataclass(frozen=True)
class WorkerSpec:
    model_path: str
    n_ctx: int = 2048
    threads: int = 0  # 0: one per CPU
    repack: bool | str = "auto"  # ggml's weight repacking; "auto": off where AMX code would run it (cpu.py)
    nice: int = 0  # the child's scheduling niceness: > 0 yields the CPU to answers being retrieved
    role: str = "explain"  # a worker per role: its KV cache keeps that role's prompt prefix


def describe_exit(returncode: int | None) -> str:
    if returncode is None:
        return "the local model stopped"
    if returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "unknown"
        return f"the local model stopped (signal {-returncode}, {name})"
    return f"the local model stopped (exit code {returncode})"


class ModelWorker:
    """A supervised child process serving one GGUF (see the module docstring)."""

    def __init__(self, spec: WorkerSpec, *, timeout_s: float = 30.0, load_timeout_s: float = 120.0,
                 max_waiting: int = 0) -> None:
        self.spec = spec
        self.timeout_s = timeout_s
        self.load_timeout_s = load_timeout_s
        self.max_waiting = max_waiting
        self.system_info = ""
        self.repack: bool | None = None  # what the child's model got
        self.load_ms = 0.0
        self.starts = 0
        self._proc: subprocess.Popen | None = None
        self._lines: queue.Queue = queue.Queue()
        self._start_lock = threading.Lock()
        self._generate_lock = threading.Lock()
        self._count_lock = threading.Lock()
        self._in_flight = 0
        self.last_end: dict = {}  # the child's closing message of the last reply (token counts)
        self.generating = False  # a request is with the child now

    # -- the process -------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def start(self) -> None:
        """Start the child if it is not running, and wait until its model is loaded."""
        with self._start_lock:
            if self._proc is not None and self._proc.poll() is None:
                return
            self._reap()
            spec = {**asdict(self.spec), "parent": os.getpid()}
            env = {**os.environ, "PYTHONUNBUFFERED": "1"}
            proc = subprocess.Popen(
                [sys.executable, "-m", "studyrag.rag.llms.worker", json.dumps(spec)],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                env=env, text=True, encoding="utf-8", bufsize=1, close_fds=True,
            )
            lines: queue.Queue = queue.Queue()
            threading.Thread(target=_pump, args=(proc, lines), name="studyrag-worker-reader",
                             daemon=True).start()
            self._proc, self._lines = proc, lines
            self.starts += 1
            msg = self._next(self.load_timeout_s, loading=True)
            if "fatal" in msg:
                self._kill()
                raise BackendError(msg["fatal"])
            self.system_info = msg.get("system_info", "")
            self.load_ms = float(msg.get("load_ms", 0.0))
            self.repack = msg.get("repack")

    def close(self) -> None:
        with self._start_lock:
            if self._proc is not None and self._proc.poll() is None:
                try:
                    self._proc.stdin.close()  # the child's loop ends on EOF
                    self._proc.wait(timeout=2)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            self._kill()

    def _kill(self) -> None:
        proc = self._proc
        if proc is None:
            return
        if proc.poll() is None:
            try:
                proc.kill()  # SIGKILL also ends a stopped (SIGSTOP) child
            except OSError:
                pass
        self._reap()

    def _reap(self) -> None:
        proc = self._proc
        if proc is not None:
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            for f in (proc.stdin, proc.stdout):
                try:
                    f and f.close()
                except OSError:
                    pass

    def _next(self, timeout: float, loading: bool = False) -> dict:
        """The child's next message; a crash, exit or silence past ``timeout`` raises."""
        try:
            msg = self._lines.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            what = "load" if loading else "produce a token"
            raise WorkerStopped(f"the local model did not {what} within {timeout:g} s"
                                f"{FALLBACK_SUFFIX}") from None
        if msg is None:  # end of output: the child is gone
            proc = self._proc
            try:
                rc = proc.wait(timeout=5) if proc is not None else None
            except subprocess.TimeoutExpired:
                self._kill()
                rc = proc.returncode
            self._reap()
            raise WorkerStopped(describe_exit(rc) + FALLBACK_SUFFIX)
        return msg

    # -- requests ----------------------------------------------------------------------------
    def chat(self, messages: list[dict], *, max_tokens: int = 96, temperature: float = 0.0,
             stop: list[str] | None = None) -> Iterator[str]:
        """Stream the reply's text pieces. Raises WorkerBusy, WorkerStopped or BackendError."""
        with self._count_lock:
            if self._in_flight > self.max_waiting:
                raise WorkerBusy("busy: answered from the guide's text")
            self._in_flight += 1
        try:
            with self._generate_lock:
                yield from self._chat(messages, max_tokens, temperature, stop)
        finally:
            with self._count_lock:
                self._in_flight -= 1

    def _chat(self, messages, max_tokens, temperature, stop) -> Iterator[str]:
        self.start()
        req = {"op": "chat", "messages": messages, "max_tokens": max_tokens,
               "temperature": temperature, "stop": stop}
        try:
            self._proc.stdin.write(json.dumps(req, ensure_ascii=False) + "\n")
            self._proc.stdin.flush()
        except (OSError, ValueError):
            self._next(0.1)  # the child died between requests: say how
        finished, self.generating = False, True
        wait = self.timeout_s * FIRST_TOKEN_FACTOR  # the first token also waits for the prompt to be read
        try:
            while True:
                msg = self._next(wait)
                wait = self.timeout_s
                if "t" in msg:
                    yield msg["t"]
                elif msg.get("end"):
                    finished, self.last_end = True, msg
                    return
                elif "error" in msg:
                    finished = True
                    raise BackendError(f"the local model failed: {msg['error']}")
        finally:
            self.generating = False
            if not finished:
                # The caller stopped reading mid-reply (enough sentences): the child's
                # remaining tokens would be read as the next reply's. Drain them.
                self._drain()

    def _drain(self) -> None:
        """Ask the child to stop this reply and read up to its end (a few tokens)."""
        try:
            self._proc.stdin.write('{"op": "cancel"}\n')
            self._proc.stdin.flush()
        except (OSError, ValueError, AttributeError):
            return
        deadline = time.monotonic() + self.timeout_s
        while time.monotonic() < deadline:
            try:
                msg = self._next(max(0.01, deadline - time.monotonic()))
            except WorkerStopped:
                return
            if msg.get("end") or "error" in msg:
                return
        self._kill()


def _pump(proc: subprocess.Popen, lines: queue.Queue) -> None:
    """Read the child's JSON lines into a queue; None marks the end of its output."""
    try:
        for line in proc.stdout:
            try:
                lines.put(json.loads(line))
            except ValueError:
                continue  # a stray native print on stdout is not a message
    except (OSError, ValueError):
        pass
    lines.put(None)


_WORKERS: dict[tuple, ModelWorker] = {}
_WORKERS_LOCK = threading.Lock()


def worker_for(spec: WorkerSpec, **options) -> ModelWorker:
    """The one worker of this process for this spec (the translator's role gives it its own)."""
    key = (spec, tuple(sorted(options.items())))
    with _WORKERS_LOCK:
        if key not in _WORKERS:
            _WORKERS[key] = ModelWorker(spec, **options)
        return _WORKERS[key]


@atexit.register
def _close_all() -> None:
    for w in list(_WORKERS.values()):
        w.close()
