"""Eval output: a terminal table, a Markdown report with per-question rows, a PNG chart."""

from __future__ import annotations

import platform
import time
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

SHOW = ["n", "accuracy", "fact_recall", "hit@1", "hit@3", "refusal_rate", "false_refusal_rate",
        "citation_validity", "fallback_rate", "p50_ms", "p95_ms"]


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float) and v <= 1.0 and not isinstance(v, bool):
        return f"{v:.2f}"
    return str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)


def table(results: dict) -> str:
    lines = []
    head = ["system", "mode", "suite"] + SHOW
    lines.append("| " + " | ".join(head) + " |")
    lines.append("|" + "---|" * len(head))
    for label, modes in results["systems"].items():
        for mode, suites in modes.items():
            for suite, m in suites.items():
                lines.append("| " + " | ".join([label, mode, suite] + [_fmt(m.get(k)) for k in SHOW]) + " |")
    return "\n".join(lines)


def ratios(results: dict) -> str:
    """Answer accuracy of each system divided by the baseline's, per mode and suite."""
    base = next((k for k in results["systems"] if k.startswith("baseline")), None)
    if not base:
        return ""
    lines = ["| system | mode | suite | accuracy | baseline | ratio |", "|---|---|---|---|---|---|"]
    for label, modes in results["systems"].items():
        if label == base:
            continue
        for mode, suites in modes.items():
            for suite, m in suites.items():
                b = results["systems"][base].get(mode, {}).get(suite, {}).get("accuracy")
                a = m.get("accuracy")
                if a is None or b is None:
                    continue
                r = f"{a / b:.2f}x" if b else "∞"
                lines.append(f"| {label} | {mode} | {suite} | {a:.2f} | {b:.2f} | {r} |")
    return "\n".join(lines)


def machine() -> str:
    import os

    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def markdown(results: dict, rows, settings: Settings) -> str:
    out = [f"# studyrag eval — {time.strftime('%Y-%m-%d %H:%M')}", "",
           f"Machine: {machine()}. Wall time: {results['wall_s']} s. Embedder: {settings.embedder}.", "",
           "## Summary", "", table(results), "", "## Accuracy relative to the naive baseline", "", ratios(results), "",
           "## Per question", ""]
    for r in rows:
        mark = {True: "PASS", False: "FAIL", None: "—"}[r.correct]
        extra = f" recall={r.fact_recall:.2f}" if r.fact_recall is not None else ""
        out.append(f"### {r.system} · {r.mode} · {r.suite} · {r.id} — {mark}{extra}")
        out.append(f"**Q:** {r.question}\n")
        out.append("**A:** " + r.answer.replace("\n", "  \n") + "\n")
        for c in r.citations:
            out.append(f"- [{c['id']}] {c['section']} — “{c['quote'][:200]}”")
        out.append("")
    return "\n".join(out)


def chart(results: dict, path: Path) -> Path | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    labels = list(results["systems"])
    modes = sorted({m for v in results["systems"].values() for m in v})
    suites = [s for s in next(iter(next(iter(results["systems"].values())).values())) if s != "all"]
    fig, axes = plt.subplots(1, len(modes), figsize=(6 * len(modes), 4), squeeze=False)
    width = 0.8 / max(1, len(labels))
    for ax, mode in zip(axes[0], modes):
        for i, label in enumerate(labels):
            vals = []
            for s in suites:
                m = results["systems"][label].get(mode, {}).get(s, {})
                v = m.get("accuracy")
                if v is None:
                    v = m.get("fact_recall") if s == "faq" else m.get("refusal_rate")
                vals.append(v or 0.0)
            ax.bar([x + i * width for x in range(len(suites))], vals, width, label=label)
        ax.set_xticks([x + width * (len(labels) - 1) / 2 for x in range(len(suites))], suites, rotation=30)
        ax.set_ylim(0, 1.05)
        ax.set_title(f"{mode} book: accuracy (faq: key-fact recall; out_of_scope: refusals)")
        ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
