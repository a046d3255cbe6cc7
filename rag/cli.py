"""`studyrag ask`, `studyrag chat`, `studyrag models` and `studyrag doctor`."""

from __future__ import annotations

import json
import sys

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


def add_commands(sub) -> None:
    from studyrag.cli import Formatter, add_common, add_generation

    p = sub.add_parser(
        "ask", help="answer one question (streamed), or a JSONL batch", formatter_class=Formatter,
        description="Answer an exam-style question from the guide, with numbered citations.\n"
        "The answer streams as it is written, then the sources are listed.",
        epilog='examples:\n'
        '  studyrag ask "A team must label 300,000 images before training. Which service?"\n'
        '  studyrag ask --json "Serverless vs Asynchronous Inference?"\n'
        '  studyrag ask "Which option...? A. Canvas B. Studio C. Ground Truth D. Rekognition"\n'
        '  studyrag ask --batch questions.jsonl > answers.jsonl   # {"id", "question", "options"?} per line\n'
        '  studyrag ask --sources whitepaper.pdf,notes.md "..."   # only from these sources\n'
        '  studyrag ask --backend bedrock --model anthropic.claude-3-haiku-20240307-v1:0 "..."',
    )
    p.add_argument("question", nargs="?", help="the question (quote it); options A-E may be inline")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of streaming text")
    p.add_argument("--batch", metavar="FILE.jsonl", help="answer every line of FILE (- for stdin); JSONL out")
    add_common(p)
    add_generation(p)
    p.set_defaults(func=run_ask)

    c = sub.add_parser(
        "chat", help="multi-turn chat in the terminal", formatter_class=Formatter,
        description="A terminal chat with streaming answers. Follow-ups such as\n"
        "'and the asynchronous one?' are made standalone from the history before retrieval.\n"
        "Commands: /new starts over, /quit (or Ctrl-D) leaves.",
        epilog="example:\n  studyrag chat\n  > What is serverless inference?\n  > and the asynchronous one?",
    )
    add_common(c)
    add_generation(c)
    c.set_defaults(func=run_chat)

    m = sub.add_parser(
        "models", help="list the local model registry and backends", formatter_class=Formatter,
        description="List the local GGUF models studyrag knows (package, size, SHA-256, installed?)\n"
        "and the LLM backends.",
        epilog="example:\n  studyrag models\n  studyrag ask --model qwen2.5-coder-1.5b \"...\"",
    )
    m.set_defaults(func=run_models)

    d = sub.add_parser(
        "doctor", help="check that the local model runs on this machine (seconds)", formatter_class=Formatter,
        description="Report the CPU's vector features, what the installed llama.cpp build uses and\n"
        "whether weight repacking is on, then run a smoke generation (a 200+ token prompt and a\n"
        "short reply) in the supervised child process. Exits 1 with one line if it fails.",
        epilog="examples:\n  studyrag doctor\n  studyrag doctor --model smollm2-135m",
    )
    d.add_argument("--model", default=None, help="local registry name (default: the default model)")
    d.add_argument("--model-path", default=None, help="any GGUF file")
    d.set_defaults(func=run_doctor)


def _tutor(settings: Settings):
    """The Tutor for a CLI command; its LLM loads on a thread while the index loads."""
    from studyrag.rag.engine import Tutor
    from studyrag.index.stores import IndexLoadError

    try:
        return Tutor(settings, preload=True)
    except IndexLoadError as e:
        raise SystemExit(f"studyrag: error: {e}")
    except Exception as e:  # unknown backend name, missing optional package...
        from studyrag.rag.llms import BackendError

        if isinstance(e, (BackendError, KeyError)):
            raise SystemExit(f"studyrag: error: {str(e).strip(chr(39))}")
        raise


def ensure_index(settings: Settings) -> None:
    """Build the index on first use (with progress) so `ask` works on a fresh clone."""
    from studyrag.index.stores import IndexLoadError, get_store

    store = get_store(settings)
    if store.read_manifest() is None:
        from studyrag.ingest.pipeline import ingest
        from studyrag.ingest.sources import SourceError

        if store.name != "faiss":  # never auto-ingest into a shared database
            try:
                store.open()
            except IndexLoadError as e:
                raise SystemExit(f"studyrag: error: {e}")
        print("No index yet: building it now (one time)...", file=sys.stderr)
        try:
            ingest(settings, progress=True)
        except SourceError as e:
            raise SystemExit(f"studyrag: error: {e}")
        except OSError as e:
            raise SystemExit(f"studyrag: error: cannot write the index: {e}")


def print_sources(answer, out=None) -> None:
    from studyrag.ingest.formats import place

    out = out or sys.stdout  # looked up now: a default bound at import would outlive a redirect
    if not answer.citations:
        return
    print("\nSources:", file=out)
    for c in answer.citations:
        quote = c.quote if len(c.quote) <= 220 else c.quote[:217] + "..."
        print(f"  [{c.id}] {place(c.source, c.page)} — {c.section} (characters {c.start}-{c.end})\n"
              f"      \"{quote}\"", file=out)


def _text(s: str) -> str:
    """Command-line or stdin text as valid Unicode: undecodable bytes (which Python keeps as
    surrogate escapes) become U+FFFD, so they cannot break the JSON or the terminal output."""
    try:
        return s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")


def run_ask(args) -> int:
    from studyrag.cli import build_settings
    from studyrag.rag.question import BadQuestion

    settings = build_settings(args)
    if args.batch:
        return _run_batch(args, settings)
    question = _text(args.question or "")
    if not question.strip():
        print("studyrag ask: error: the question is empty; example: studyrag ask \"Which service labels images?\"",
              file=sys.stderr)
        return 2
    ensure_index(settings)
    tutor = _tutor(settings)
    try:
        if args.json:
            answer = tutor.ask(question)
            print(json.dumps(answer.to_json(), ensure_ascii=False))
        else:
            answer = None
            for ev in tutor.stream(question):
                if ev.type == "token":
                    sys.stdout.write(ev.text)
                    sys.stdout.flush()
                elif ev.type == "done":
                    answer = ev.answer
            print()
            print_sources(answer)
            if answer.error:
                print(f"\nnote: {answer.error} (showing the cited answer from the guide)", file=sys.stderr)
    except BadQuestion as e:
        print(f"studyrag ask: error: {e}", file=sys.stderr)
        return 2
    return 0


def _read_batch(path: str) -> list[dict]:
    from pathlib import Path

    raw = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    text = raw.decode("utf-8", errors="replace")
    items = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            obj = {"id": f"line-{n}", "_error": f"line {n} is not JSON: {e.msg}"}
        if not isinstance(obj, dict):
            obj = {"id": f"line-{n}", "_error": f"line {n} is not a JSON object"}
        items.append(obj)
    return items


def _run_batch(args, settings: Settings) -> int:
    from tqdm import tqdm

    from studyrag.rag.question import BadQuestion

    try:
        items = _read_batch(args.batch)
    except OSError as e:
        print(f"studyrag ask: error: cannot read {args.batch}: {e.strerror}", file=sys.stderr)
        return 2
    ensure_index(settings)
    tutor = _tutor(settings)
    failures = 0
    for item in tqdm(items, desc="Answering", unit="q", file=sys.stderr):
        out: dict = {"id": item.get("id")}
        try:
            if "_error" in item:
                raise BadQuestion(item["_error"])
            options = item.get("options")
            if options is not None and not isinstance(options, dict):
                raise BadQuestion("options must be an object like {\"A\": \"...\"}")
            answer = tutor.ask(_text(str(item.get("question") or "")), options=options)
            out.update(answer.to_json())
        except BadQuestion as e:
            failures += 1
            out.update({"question": item.get("question"), "error": str(e), "answer": "", "citations": [],
                        "refused": False, "fallback": False})
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        sys.stdout.flush()
    if failures:
        print(f"{failures} of {len(items)} lines could not be answered (see their \"error\")", file=sys.stderr)
    return 0


def run_chat(args) -> int:
    from studyrag.cli import build_settings
    from studyrag.rag.question import BadQuestion

    settings = build_settings(args)
    ensure_index(settings)
    tutor = _tutor(settings)
    history: list[dict] = []
    if hasattr(sys.stdin, "reconfigure"):
        sys.stdin.reconfigure(errors="surrogateescape")  # a stray invalid byte must not end the chat
    print("studyrag chat — ask about the study guide. /new starts over, /quit leaves.", file=sys.stderr)
    while True:
        try:
            q = _text(input("\n> "))
        except EOFError:
            print(file=sys.stderr)
            return 0
        if q.strip() in ("/quit", "/exit"):
            return 0
        if q.strip() == "/new":
            history.clear()
            print("(new chat)", file=sys.stderr)
            continue
        if not q.strip():
            continue
        try:
            answer = None
            for ev in tutor.stream(q, history=history):
                if ev.type == "token":
                    sys.stdout.write(ev.text)
                    sys.stdout.flush()
                else:
                    answer = ev.answer
            print()
            print_sources(answer)
            history += [{"role": "user", "content": q}, {"role": "assistant", "content": answer.answer}]
        except BadQuestion as e:
            print(f"error: {e}", file=sys.stderr)


def run_models(args) -> int:
    from studyrag.rag.llms import available
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    print(f"{'name':22} {'installed':9} {'size':>8}  sha256 (first 16)  title")
    for m in MODELS.values():
        star = "*" if m.name == DEFAULT_MODEL else " "
        size, sha = (f"{m.size / 2**20:7.0f}M", m.sha256[:16]) if not m.requantized_from else \
            ("derived", f"{m.quant} of {m.requantized_from}")
        print(f"{m.name + star:22} {'yes' if m.installed() else 'no':9} {size:>8}  {sha:16}  {m.title}")
        if not m.installed():
            print(f"{'':22} install: {m.install}")
    print(f"\n* default. backends: {', '.join(available())}, none (extractive, no LLM)")
    print("Any other GGUF: --model-path FILE.gguf. Bedrock: --backend bedrock --model MODEL_ID.")
    return 0


def run_doctor(args) -> int:
    from studyrag.rag.llms.doctor import check
    from studyrag.settings import Settings

    settings = Settings().with_overrides(model=args.model, model_path=args.model_path)
    r = check(settings)
    print(f"model:     {r.model}")
    print(f"cpu:       {' '.join(r.cpu_features) or 'no x86 vector features found'}")
    print(f"llama.cpp: {r.build or '(not loaded)'}")
    print(f"repacking: {'on' if r.repack else 'off (AMX code in this build: llama.cpp issue 20824)'}")
    if not r.ok:
        print(f"studyrag doctor: error: {r.error or 'the model produced no tokens'}", file=sys.stderr)
        return 1
    print(f"smoke:     ok: loaded in {r.load_ms / 1000:.2f} s; {r.prompt_tokens} prompt + {r.reply_tokens} "
          f"reply tokens in {r.generate_ms / 1000:.2f} s")
    print(f"reply:     {r.reply[:120]}")
    return 0
