"""Deterministic scoring of one answer against one suite item. No model judges here."""

from __future__ import annotations

import re

from functools import partial

from studyrag.rag import catalog as _catalog
from studyrag.rag.profile import PROFILES_DIR, Profile

# The seed suites' names are AWS names: matched with or without Amazon/AWS/SageMaker.
core_of = partial(_catalog.core_of, prefixes=("amazon", "aws", "sagemaker"))
OUTSIDE = list(Profile.from_file(PROFILES_DIR / "aws.yaml").known_names)

# The services an eval item may expect, plus outside ones: naming any of these as the
# answer when it is not expected counts as picking a distractor.
EVAL_SERVICES = [
    "Amazon SageMaker Studio", "Amazon SageMaker Data Wrangler", "Amazon SageMaker Ground Truth",
    "Amazon SageMaker Feature Store", "Amazon SageMaker Training Jobs", "Managed Spot Training",
    "Amazon SageMaker HyperPod", "Amazon SageMaker Training Compiler", "Amazon SageMaker Automatic Model Tuning",
    "Amazon SageMaker JumpStart", "Amazon SageMaker Canvas", "Amazon SageMaker Autopilot",
    "Amazon SageMaker Pipelines", "Amazon SageMaker Model Registry", "Amazon SageMaker Real-time Inference",
    "Amazon SageMaker Serverless Inference", "Amazon SageMaker Asynchronous Inference",
    "Amazon SageMaker Batch Transform", "Amazon SageMaker Multi-Model Endpoints",
    "Amazon SageMaker Multi-Container Endpoints", "Amazon SageMaker Shadow Testing",
    "Amazon SageMaker Inference Recommender", "Amazon SageMaker Model Monitor", "Amazon SageMaker Clarify",
    "Amazon Bedrock", "Amazon Rekognition", "AWS CodePipeline",
]
# How answers may spell a service (beyond 'Amazon SageMaker X' / 'SageMaker X' / 'X').
EXTRA_ALIASES = {
    "real-time inference": ["real-time endpoint", "real-time inference", "real time endpoint"],
    "training job": ["training job"],
    "hyperpod": ["hyperpod"],
    "multi-model endpoint": ["multi-model endpoint", "mme"],
    "multi-container endpoint": ["multi-container endpoint", "mce"],
    "automatic model tuning": ["automatic model tuning", "hyperparameter tuning"],
    "pipeline": ["sagemaker pipeline"],
}


def _patterns(name: str) -> list[str]:
    core = core_of(name)
    pats = set(EXTRA_ALIASES.get(core, []))
    bare = re.sub(r"^(?:Amazon|AWS)\s+(?:SageMaker\s+)?", "", name)
    pats.add(_singular(bare))
    return sorted(pats, key=len, reverse=True)


def _singular(name: str) -> str:
    """A name in lower case with one plural "s" dropped; an acronym keeps its last letter.

    >>> _singular("Multi-Model Endpoints"), _singular("SNS"), _singular("Glass")
    ('multi-model endpoint', 'sns', 'glas')
    """
    words = name.split()
    if words and words[-1].isupper():
        return name.lower()  # "SNS" would become "sn", which every "snapshot" names
    return re.sub(r"s$", "", name.lower())


def names(text: str, name: str) -> bool:
    t = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(p)}", t) for p in _patterns(name))


def lead_of(answer: str) -> str:
    """The part of an answer that states the pick: its first line."""
    return answer.strip().split("\n", 1)[0]


def service_correct(answer: str, expected: list[str], any_of: bool = False, material: str = "") -> bool:
    """All expected services named in the lead (``any_of``: one of them, the item's spellings
    of one thing), and no other listed service named there.

    ``material``: the evaluated study text. A listed name whose bare form is a word the
    material uses in lower case ("Pipelines" over CI/CD notes) is a distractor only when the
    lead writes it qualified ("SageMaker Pipelines"): "the pipeline is defined in …" names
    no service there."""
    lead = lead_of(answer)
    if not expected or not (any if any_of else all)(names(lead, s) for s in expected):
        return False
    exp = {core_of(s) for s in expected}
    others = [s for s in EVAL_SERVICES + OUTSIDE if core_of(s) not in exp]
    lead = _without_full_names(lead, expected)
    # A longer expected name may contain a shorter distractor's words ("Rekognition Custom Labels").
    return not any(_names_distractor(lead, s, material) and not any(names(s, e) for e in expected) for s in others
                   if not any(core_of(s) in core_of(e) for e in expected))


def _without_full_names(lead: str, expected: list[str]) -> str:
    """The lead less each expected name and the capitalised words that open its full name:
    "Amazon Bedrock Model Distillation" names Model Distillation, not Amazon Bedrock too;
    "Amazon Bedrock + Model Distillation" still names both.

    >>> _without_full_names("Answer: Amazon Bedrock Model Distillation [1]", ["Model Distillation"])
    'Answer:  [1]'
    >>> _without_full_names("Answer: Amazon Bedrock + Model Distillation [1]", ["Model Distillation"])
    'Answer: Amazon Bedrock +  [1]'
    """
    for name in expected:
        for p in _patterns(name):
            lead = _cut(lead, p)
    return lead


def _cut(lead: str, pattern: str) -> str:
    """``lead`` less every match of ``pattern`` with the capitalised words right before it."""
    while pattern and (m := re.search(rf"(?<![\w-]){re.escape(pattern)}[\w\-]*", lead, re.I)):
        start = m.start()
        while before := re.search(r"(?:^|(?<=\s))[A-Z][\w\-]*\s+$", lead[:start]):
            start = before.start()
        lead = lead[:start] + lead[m.end():]
    return lead


def _names_distractor(lead: str, name: str, material: str) -> bool:
    if not names(lead, name):
        return False
    bare = _singular(re.sub(r"^(?:Amazon|AWS)\s+(?:SageMaker\s+)?", "", name))
    if not material or " " in bare or not re.search(rf"(?<![\w-]){re.escape(bare)}", material):
        return True  # not an ordinary word of this material: the bare name names the service
    qualified = _singular(re.sub(r"^(?:Amazon|AWS)\s+", "", name))
    return qualified != bare and re.search(rf"(?<![\w-]){re.escape(qualified)}", lead.lower()) is not None


def fact_recall(answer: str, facts: list[list[str]]) -> float:
    if not facts:
        return 1.0
    a = answer.lower()
    return sum(any(alt.lower() in a for alt in fact) for fact in facts) / len(facts)


MARK_RE = re.compile(r"\[(\d+)\]")


def citations_valid(answer_text: str, citations: list[dict], text_of) -> bool:
    """Every [n] marker resolves to a listed citation and every quote is exact."""
    ids = {c["id"] for c in citations}
    if any(int(n) not in ids for n in MARK_RE.findall(answer_text)):
        return False
    for c in citations:
        try:
            if text_of(c["source"])[c["start"] : c["end"]] != c["quote"] or not c["quote"]:
                return False
        except Exception:
            return False
    return True


def section_hit(retrieved_sections: list[str], gold: list[str], k: int) -> bool:
    """A gold heading is an element of one of the top-k retrieved heading paths."""
    if not gold:
        return False
    for path in retrieved_sections[:k]:
        parts = [p.strip() for p in path.split(" > ")]
        if any(g in parts for g in gold):
            return True
    return False


def choice_of(answer_text: str, options: dict) -> list[str]:
    """Letters a free-text answer picks (for systems without a 'choice' field)."""
    lead = answer_text.strip()[:200]
    found = re.findall(r"(?<![A-Za-z])([A-E])(?:[\).:]|\s*[-–]|\s+(?:and|&)\b|$|\s)", lead)
    return sorted({f for f in found if f in options})[:2]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    v = sorted(values)
    i = (len(v) - 1) * p
    lo, hi = int(i), min(int(i) + 1, len(v) - 1)
    return v[lo] + (v[hi] - v[lo]) * (i - lo)
