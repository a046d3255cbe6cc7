"""Exam mode: multiple-choice practice from the guide's own scenarios and the MCQ suite.

Guide scenarios ("Scenario N: <text> Correct choice: <service>.") become four-option items:
the stem is the text, the correct option is the named service, and the distractors are
other services the guide names in its scenario answers and its "X vs Y" trap pairs (a
trap partner of the answer first, when there is one), shuffled with a seeded RNG so the
same item always looks the same. The items of eval/suites/mcq.jsonl are added as they are.

Each item has a topic (inference options, labeling & data prep, training...) derived from
its gold service and section; ``Practice`` keeps a score per topic and draws the next
item with weights that favour the topics the candidate misses.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

LETTERS = "ABCDE"
SCENARIO_RE = re.compile(r"^\s*Scenario\s+(\d+)\s*[:：]\s*(.+?)\s*Correct choice\s*[:：]\s*(.+?)\s*\.?\s*$", re.S)
VS_RE = re.compile(r"\s+(?:vs\.?|versus)\s+", re.I)

# Topic rules, first match wins, over "gold services + section headings" (lower case).
TOPICS: list[tuple[str, tuple[str, ...]]] = [
    ("Monitoring & responsible AI", ("model monitor", "clarify", "drift", "bias", "explainab")),
    ("MLOps & safe deployment", ("pipelines", "model registry", "shadow", "mlops", "lineage", "codepipeline")),
    ("Foundation models", ("jumpstart", "bedrock", "foundation", "llama", "fine-tun")),
    ("Inference options", ("inference", "endpoint", "batch transform", "real-time", "serverless", "asynchronous",
                           "multi-model", "multi-container")),
    ("Labeling & data prep", ("ground truth", "rekognition", "label", "data wrangler", "feature store",
                              "data prep", "mechanical turk")),
    ("Training & tuning", ("training", "spot", "hyperpod", "distributed", "tuning", "compiler", "hyperparameter")),
    ("Studio, Canvas & AutoML", ("studio", "canvas", "autopilot", "no-code", "automl")),
]
OTHER_TOPIC = "SageMaker platform"


def topic_of(services: list[str], sections: list[str] = ()) -> str:
    """The topic of the gold services, else of the section headings."""
    for hay in (" | ".join(services).lower(), " | ".join(sections).lower()):
        for name, keys in TOPICS:
            if hay and any(k in hay for k in keys):
                return name
    return OTHER_TOPIC


@dataclass
class Item:
    id: str
    stem: str
    options: dict[str, str]
    correct: list[str]  # letters
    topic: str
    origin: str  # "guide" | "mcq-suite"
    services: list[str] = field(default_factory=list)
    sections: list[str] = field(default_factory=list)

    @property
    def choose(self) -> int:
        return len(self.correct)

    def public(self) -> dict:
        """What a candidate may see (no answer)."""
        return {"id": self.id, "stem": self.stem, "options": dict(self.options), "choose": self.choose,
                "topic": self.topic, "origin": self.origin}

    def to_json(self) -> dict:
        return asdict(self)


def mcq_suite_path() -> Path:
    """eval/suites/mcq.jsonl next to the installed studyrag.eval package."""
    return Path(str(resources.files("studyrag.eval") / "suites" / "mcq.jsonl"))


def load_mcq_items(path: Path | None = None) -> list[Item]:
    path = Path(path or mcq_suite_path())
    if not path.is_file():
        return []
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        if d.get("refuse") or not d.get("options") or not d.get("choice"):
            continue
        opts = {str(k): str(v) for k, v in d["options"].items()}
        services, sections = list(d.get("services") or []), list(d.get("sections") or [])
        items.append(Item(str(d["id"]), d["question"], opts, sorted(d["choice"]), topic_of(services, sections),
                          "mcq-suite", services, sections))
    return items


def _services(catalog, text: str) -> list[str]:
    return [s.name for s in catalog.find(text) if not getattr(s, "generic", False)]


def guide_items(knowledge, seed: int = 0) -> list[Item]:
    """Four-option items from the guide's "Scenario N: ... Correct choice: ..." chunks."""
    catalog = knowledge.catalog
    scen = []
    for c in knowledge.chunks:
        if c.kind != "scenario":
            continue
        m = SCENARIO_RE.match(c.text)
        if m:
            scen.append((m.group(1), m.group(2).strip(), m.group(3).strip().rstrip("."), c))
    # Trap pairs: "X vs Y — ..." lines in any section whose heading talks about traps.
    partners: dict[str, set[str]] = {}
    trap_names: list[str] = []
    for c in knowledge.chunks:
        if "trap" not in c.heading.lower():
            continue
        for line in c.text.splitlines():
            head = re.split(r"\s[—–-]{1,2}\s", line, maxsplit=1)[0]
            if not VS_RE.search(head):
                continue
            names = _services(catalog, head)
            trap_names.extend(names)
            for a in names:
                partners.setdefault(a, set()).update(n for n in names if n != a)
    # The distractor pool: each other scenario's answer as the guide words it, and each
    # service of a trap pair; one entry per distinct service set.
    pool: list[tuple[str, frozenset[str]]] = []
    seen: set[frozenset[str]] = set()
    for _, _, answer, _ in scen:
        key = frozenset(_services(catalog, answer))
        if key and key not in seen:
            seen.add(key)
            pool.append((answer, key))
    for name in trap_names:
        key = frozenset([name])
        if key not in seen:
            seen.add(key)
            pool.append((name, key))
    items = []
    for num, stem, answer, chunk in scen:
        gold = _services(catalog, answer)
        gold_set = set(gold)
        rng = random.Random(f"{seed}:guide-scenario-{num}")
        candidates = [(t, k) for t, k in pool if not (k & gold_set) and t != answer]
        trap = [(t, k) for t, k in candidates if any(k & partners.get(g, set()) for g in gold)]
        rest = [x for x in candidates if x not in trap]
        rng.shuffle(trap)
        rng.shuffle(rest)
        distractors = [t for t, _ in (trap[:1] + rest)[:3]]
        if len(distractors) < 3:
            continue
        texts = [answer] + distractors
        rng.shuffle(texts)
        options = {LETTERS[i]: t for i, t in enumerate(texts)}
        correct = [LETTERS[texts.index(answer)]]
        sections = [" > ".join(chunk.section)]
        items.append(Item(f"guide-scenario-{int(num):02d}", stem, options, correct,
                          topic_of(gold, []), "guide", gold, sections))
    return items


def build_bank(knowledge, mcq_path: Path | None = None, seed: int = 0) -> list[Item]:
    return guide_items(knowledge, seed) + load_mcq_items(mcq_path)


def normalize_pick(pick) -> list[str]:
    """'b', 'B, D', ['D','B'], 'BD' -> ['B', 'D']."""
    if pick is None:
        return []
    if isinstance(pick, str):
        letters = re.findall(r"[A-Ea-e]", pick if len(pick) <= 12 else pick[:1])
    else:
        letters = [str(p).strip()[:1] for p in pick if str(p).strip()]
    return sorted({x.upper() for x in letters if x.upper() in LETTERS})


@dataclass
class Grade:
    item_id: str
    pick: list[str]
    correct: list[str]
    is_correct: bool
    topic: str


class Bank:
    """All practice items, by id."""

    def __init__(self, items: list[Item]) -> None:
        self.items = items
        self.by_id = {it.id: it for it in items}

    def __len__(self) -> int:
        return len(self.items)

    def topics(self) -> list[str]:
        return list(dict.fromkeys(it.topic for it in self.items))

    def grade(self, item_id: str, pick) -> Grade:
        if item_id not in self.by_id:
            raise KeyError(f"no practice item {item_id!r}")
        it = self.by_id[item_id]
        letters = normalize_pick(pick)
        if not letters:
            raise ValueError("pick an option first")
        bad = [x for x in letters if x not in it.options]
        if bad:
            raise ValueError(f"option {bad[0]} is not one of {', '.join(it.options)}")
        return Grade(it.id, letters, list(it.correct), letters == sorted(it.correct), it.topic)


def new_progress(seed: int | None = None) -> dict:
    """A candidate's session: JSON-able so it lives in gr.State (and survives API calls)."""
    if seed is None:
        seed = random.SystemRandom().randrange(1 << 30)
    return {"seed": int(seed), "n": 0, "scores": {}, "asked": [], "current": None, "answered": False}


def record(progress: dict, grade: Grade) -> dict:
    s = progress["scores"].setdefault(grade.topic, {"right": 0, "wrong": 0})
    s["right" if grade.is_correct else "wrong"] += 1
    progress["answered"] = True
    return progress


def topic_weight(score: dict | None) -> float:
    """Higher for topics the candidate misses: (wrong+1)/(right+1), smoothed, never zero."""
    if not score:
        return 1.0
    return (1.0 + 2.0 * score.get("wrong", 0)) / (1.0 + score.get("right", 0))


def pick_next(bank: Bank, progress: dict) -> Item:
    """Weighted draw: topic weight from the running score, unasked items first."""
    rng = random.Random(f"{progress['seed']}:{progress['n']}")
    asked = set(progress["asked"])
    pool = [it for it in bank.items if it.id not in asked and it.id != progress.get("current")]
    if not pool:  # everything asked: start over, still weighted by topic
        progress["asked"] = []
        pool = [it for it in bank.items if it.id != progress.get("current")] or list(bank.items)
    weights = [topic_weight(progress["scores"].get(it.topic)) for it in pool]
    item = rng.choices(pool, weights=weights, k=1)[0]
    progress["n"] += 1
    progress["asked"].append(item.id)
    progress["current"] = item.id
    progress["answered"] = False
    return item


def score_rows(bank: Bank, progress: dict) -> list[list]:
    """[topic, right, wrong, accuracy %] per topic, the weakest first."""
    rows = []
    for t in bank.topics():
        s = progress["scores"].get(t, {"right": 0, "wrong": 0})
        n = s["right"] + s["wrong"]
        rows.append([t, s["right"], s["wrong"], round(100 * s["right"] / n) if n else None])
    rows.sort(key=lambda r: (-(r[2]), r[3] if r[3] is not None else 101, r[0]))
    return rows
