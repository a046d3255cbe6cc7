"""The local model's child process: one GGUF served over stdin/stdout, one JSON object a line.

Run by ``supervisor.ModelWorker`` as ``python -m studyrag.rag.llms.worker SPEC_JSON``; never
by hand. A native crash (a bad kernel, an out-of-memory kill) ends this process only; the
parent sees the signal and answers from the guide's text.

Requests (parent -> child)::

    {"op": "chat", "messages": [{"role": "user", "content": "Hi"}], "max_tokens": 8,
     "temperature": 0.0, "stop": null}
    {"op": "cancel"}   (during a reply: stop it; the reply still ends with "end")

Replies (child -> parent): ``{"ready": true, "load_ms": 812.0, "system_info": "..."}`` once
after loading (or ``{"fatal": "..."}``), then per chat request ``{"t": "Hel"}``, ``{"t": "lo"}``
... and ``{"end": true, "tokens": 2, "context_tokens": 30}`` (prompt + reply tokens); ``{"error": "..."}`` when a request fails.

Not handled here: timeouts, restarts, queueing (the parent does those).
"""

from __future__ import annotations

import json
import os
import queue
import sys
import threading
import time


def _send(obj: dict) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _watch_parent(parent: int) -> None:
    """Exit when the parent is gone (a SIGKILLed parent cannot close our stdin in time)."""
    while True:
        if os.getppid() != parent:
            os._exit(0)
        time.sleep(1.0)


def _no_weight_repacking() -> None:
    """Load weights as stored, without ggml's extra buffer types.

    On CPUs with AMX, a build that includes ggml's AMX code repacks q8_0/q4_K weights into
    an AMX buffer at load and crashes in its matrix multiply (llama.cpp issue 20824).
    ``Llama()`` does not expose ``use_extra_bufts``, so the default params it reads are
    wrapped, in this process only.
    """
    import llama_cpp.llama_cpp as C

    original = C.llama_model_default_params

    def params():
        p = original()
        p.use_extra_bufts = False
        return p

    C.llama_model_default_params = params
    _REPACK[0] = False


_REPACK = [True]  # what the loaded model got (reported to the parent)


def load(spec: dict):
    from llama_cpp import Llama, llama_print_system_info

    from .cpu import repack_safe

    info = llama_print_system_info().decode("utf-8", "replace").strip()
    repack = spec.get("repack", "auto")
    if repack is False or (repack == "auto" and not repack_safe(info)):
        _no_weight_repacking()
    llama = Llama(model_path=spec["model_path"], n_ctx=int(spec.get("n_ctx", 2048)),
                  n_threads=int(spec.get("threads") or os.cpu_count() or 2), n_batch=512,
                  verbose=False, logits_all=False)
    return llama, info


def _read_lines(stream, inbox: queue.Queue) -> None:
    for line in stream:
        if line.strip():
            inbox.put(line)
    inbox.put(None)


def _cancelled(inbox: queue.Queue) -> bool:
    """A cancel arrived (the parent has read enough). Requests are sent one at a time,
    so the only thing that can arrive during a reply is a cancel or the end of input."""
    try:
        line = inbox.get_nowait()
    except queue.Empty:
        return False
    if line is None:
        inbox.put(None)
    return True


def serve(llama, inbox: queue.Queue) -> None:
    while (line := inbox.get()) is not None:
        try:
            req = json.loads(line)
        except ValueError:
            _send({"error": "bad request line"})
            continue
        if req.get("op") == "cancel":
            continue  # it came after the reply had ended: nothing to stop
        if req.get("op") != "chat":
            _send({"end": True, "tokens": 0})
            continue
        try:
            n = 0
            for part in llama.create_chat_completion(
                    messages=req["messages"], max_tokens=int(req.get("max_tokens", 96)),
                    temperature=float(req.get("temperature", 0.0)), stop=req.get("stop"), stream=True):
                delta = part["choices"][0]["delta"].get("content") or ""
                if delta:
                    n += 1
                    _send({"t": delta})
                if _cancelled(inbox):
                    break
            _send({"end": True, "tokens": n, "context_tokens": int(llama.n_tokens)})
        except Exception as e:  # a bad prompt (too long for the context) must not end the worker
            _send({"error": f"{type(e).__name__}: {str(e)[:300]}"})


def main(argv: list[str]) -> int:
    spec = json.loads(argv[0])
    threading.Thread(target=_watch_parent, args=(int(spec.get("parent", os.getppid())),), daemon=True).start()
    if spec.get("nice"):
        os.nice(int(spec["nice"]))
    t = time.perf_counter()
    try:
        llama, info = load(spec)
    except Exception as e:
        _send({"fatal": f"cannot load GGUF {spec.get('model_path')}: {e}"})
        return 1
    _send({"ready": True, "load_ms": round((time.perf_counter() - t) * 1000, 1), "system_info": info,
           "repack": _REPACK[0], "pid": os.getpid()})
    inbox: queue.Queue = queue.Queue()
    threading.Thread(target=_read_lines, args=(sys.stdin, inbox), daemon=True).start()
    serve(llama, inbox)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
