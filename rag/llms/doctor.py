"""`studyrag doctor`: does the local model work on this machine? Seconds to find out.

Reports the CPU's vector features, what the installed llama.cpp build uses, whether weight
repacking is on, and runs a smoke generation (a prompt of 200+ tokens, then a short reply)
in the supervised child process, so a build that crashes here says so without taking the
caller down.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

SMOKE_SYSTEM = "You are a careful assistant. Reply with one short sentence."
# About 230 tokens of neutral text: long enough to go through the batched matrix multiply
# (the path that crashed on AMX CPUs), short enough to take a second or two.
SMOKE_TEXT = " ".join(
    f"Step {i}: the sorter reads a card, compares its number with the previous card, and "
    f"places it on the left pile when it is smaller, otherwise on the right pile." for i in range(1, 9)
)
AMX_FLAGS = ("amx_tile", "amx_int8", "amx_bf16")


@dataclass
class DoctorReport:
    model: str
    cpu_features: list[str] = field(default_factory=list)
    build: str = ""
    repack: bool = True
    load_ms: float = 0.0
    prompt_tokens: int = 0
    reply_tokens: int = 0
    reply: str = ""
    generate_ms: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.reply_tokens > 0


def check(settings: Settings, max_tokens: int = 24) -> DoctorReport:
    from .cpu import X86_OPTIONS, cpu_flags, missing_features
    from .local import make_local

    flags = cpu_flags()
    features = [f for f, _ in X86_OPTIONS] + list(AMX_FLAGS)
    chat = make_local(settings.model_copy(update={"local_worker": True}))
    worker = chat.worker
    report = DoctorReport(chat.model_name, [f for f in features if f in flags])
    try:
        worker.start()
        report.build, report.load_ms, report.repack = worker.system_info, worker.load_ms, bool(worker.repack)
        missing = missing_features(report.build, flags)
        if missing:
            raise RuntimeError(f"llama.cpp was built for {', '.join(missing)}, which this CPU lacks: "
                               "rerun scripts/install.sh to rebuild it here")
        t = time.perf_counter()
        messages = [{"role": "system", "content": SMOKE_SYSTEM},
                    {"role": "user", "content": SMOKE_TEXT + "\nWhat does the sorter do with a smaller card?"}]
        report.reply = "".join(worker.chat(messages, max_tokens=max_tokens)).strip()
        report.generate_ms = (time.perf_counter() - t) * 1000
        report.reply_tokens = int(worker.last_end.get("tokens", 0))
        report.prompt_tokens = int(worker.last_end.get("context_tokens", 0)) - report.reply_tokens
    except Exception as e:  # BackendError (and the build check) are RuntimeErrors with a sentence
        report.error = str(e) if isinstance(e, RuntimeError) else f"{type(e).__name__}: {e}"
    finally:
        worker.close()
    return report
