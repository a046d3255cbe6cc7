"""``local``: a GGUF run by llama-cpp-python, wrapped as a LangChain chat model.

By default llama.cpp runs in a supervised child process (``supervisor.py``), so a native
crash, an out-of-memory kill or a hung generation ends one answer, never studyrag.

The fixed system prompt comes first in every request so llama.cpp reuses its KV cache for
that prefix; only the question and the passages are evaluated anew.
"""

from __future__ import annotations

import atexit
import os
import threading
from pathlib import Path
from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from .base import BackendError, BackendInfo, register
from .models import DEFAULT_MODEL, ModelFileError, model_file, resolve

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

_LOADED: dict[tuple[str, int], Any] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free llama.cpp models before interpreter teardown (their __del__ fails late)."""
    for llama in _LOADED.values():
        try:
            llama.close()
        except Exception:
            pass
    _LOADED.clear()


def load_llama(path: Path, n_ctx: int = 2048, role: str = "explain"):
    """One llama.cpp instance per (file, context, role) per process."""
    key = (str(path), n_ctx, role)
    with _LOAD_LOCK:
        if key not in _LOADED:
            from llama_cpp import Llama

            threads = int(os.environ.get("STUDYRAG_THREADS", os.cpu_count() or 2))
            try:
                _LOADED[key] = Llama(
                    model_path=str(path), n_ctx=n_ctx, n_threads=threads, n_batch=512,
                    verbose=False, logits_all=False,
                )
            except Exception as e:  # llama.cpp says little; say what to do
                raise BackendError(f"cannot load GGUF {path}: {e}; check the file or pick another --model") from None
        return _LOADED[key]


def _role(m: BaseMessage) -> str:
    return {"human": "user", "ai": "assistant", "system": "system"}.get(m.type, "user")


class LlamaCppChat(BaseChatModel):
    """A GGUF as a LangChain chat model: in a supervised child process (default), or in
    this process (``in_process=True``; a native crash there ends the caller too)."""

    model_path: str
    model_name: str = "gguf"
    n_ctx: int = 2048
    max_tokens: int = 96
    temperature: float = 0.0
    stop: list[str] | None = None
    in_process: bool = False
    timeout_s: float = 30.0
    max_waiting: int = 0
    repack: bool | str = "auto"  # "auto": off where AMX code would run it (cpu.py)
    nice: int = 10
    role: str = "explain"  # practice items' translator runs as its own worker ("translate"), see supervisor.py

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def llama(self):
        return load_llama(Path(self.model_path), self.n_ctx, self.role)

    @property
    def worker(self):
        from .supervisor import WorkerSpec, worker_for

        threads = int(os.environ.get("STUDYRAG_THREADS", 0) or 0)
        spec = WorkerSpec(self.model_path, self.n_ctx, threads, self.repack, self.nice, self.role)
        return worker_for(spec, timeout_s=self.timeout_s, max_waiting=self.max_waiting)

    def warm_up(self) -> None:
        """Load the model now (a child process starts, or the GGUF loads in-process)."""
        if self.in_process:
            self.llama
        else:
            self.worker.start()

    @property
    def lock(self) -> threading.Lock:
        """llama.cpp contexts are not thread-safe: one generation at a time per model."""
        return _model_lock(self.model_path)

    def _messages(self, messages: list[BaseMessage]) -> list[dict]:
        return [{"role": _role(m), "content": str(m.content)} for m in messages]

    def _pieces(self, messages, stop, **kw) -> Iterator[str]:
        params = dict(max_tokens=kw.get("max_tokens", self.max_tokens),
                      temperature=kw.get("temperature", self.temperature), stop=stop or self.stop)
        if not self.in_process:
            yield from self.worker.chat(self._messages(messages), **params)
            return
        with self.lock:
            for part in self.llama.create_chat_completion(messages=self._messages(messages), stream=True,
                                                          **params):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    yield delta

    def _stream(self, messages, stop=None, run_manager: CallbackManagerForLLMRun | None = None, **kw) -> Iterator[ChatGenerationChunk]:
        for delta in self._pieces(messages, stop, **kw):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk

    def _generate(self, messages, stop=None, run_manager=None, **kw) -> ChatResult:
        text = "".join(c.text for c in self._stream(messages, stop, run_manager, **kw))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])


_MODEL_LOCKS: dict[str, threading.Lock] = {}


def _model_lock(path: str) -> threading.Lock:
    with _LOAD_LOCK:
        return _MODEL_LOCKS.setdefault(path, threading.Lock())


def local_model_path(settings: Settings) -> tuple[Path, str]:
    if settings.model_path:
        p = Path(settings.model_path)
        if not p.is_file():
            raise BackendError(f"--model-path {p} does not exist")
        return p, p.stem
    name = settings.model or DEFAULT_MODEL
    try:
        return model_file(resolve(name)), name
    except (ModelFileError, KeyError) as e:
        raise BackendError(str(e).strip("'\"")) from None


def worker_options(settings: Settings) -> dict:
    """How the local model runs, from the settings (shared by the explainer and translator)."""
    repack = {"auto": "auto", "on": True, "off": False}[settings.local_repack]
    return dict(in_process=not settings.local_worker, timeout_s=settings.local_timeout_s,
                max_waiting=settings.local_max_waiting, repack=repack, nice=settings.local_nice)


def make_local(settings: Settings) -> LlamaCppChat:
    path, name = local_model_path(settings)
    return LlamaCppChat(
        model_path=str(path), model_name=name, max_tokens=settings.max_tokens,
        temperature=settings.temperature, **worker_options(settings),
    )


def describe_local(settings: Settings) -> str:
    if settings.model_path:
        return Path(settings.model_path).stem
    return settings.model or DEFAULT_MODEL


def _writes_chinese(settings: Settings) -> bool:
    """Only registry models known to write Chinese (a bare GGUF path: unknown, so no)."""
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    m = MODELS.get(settings.model or DEFAULT_MODEL)
    return bool(m and m.writes_chinese) and not settings.model_path


register(BackendInfo("local", make_local, describe_local, trusted_to_decide=False, writes_chinese=_writes_chinese))
