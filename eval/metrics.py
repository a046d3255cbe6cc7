"""Deterministic scoring of one answer against one suite item. No model judges here."""

from __future__ import annotations

import re

from studyrag.rag.catalog import OUTSIDE, core_of

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
    pats.add(bare.lower().rstrip("s"))
    return sorted(pats, key=len, reverse=True)


def names(text: str, name: str) -> bool:
    t = text.lower()
    return any(re.search(rf"(?<![\w-]){re.escape(p)}", t) for p in _patterns(name))


def lead_of(answer: str) -> str:
    """The part of an answer that states the pick: its first line."""
    return answer.strip().split("\n", 1)[0]


def service_correct(answer: str, expected: list[str]) -> bool:
    """All expected services named in the lead, and no other listed service named there."""
    lead = lead_of(answer)
    if not expected or not all(names(lead, s) for s in expected):
        return False
    exp = {core_of(s) for s in expected}
    others = [s for s in EVAL_SERVICES + OUTSIDE if core_of(s) not in exp]
    # A longer expected name may contain a shorter distractor's words ("Rekognition Custom Labels").
    return not any(names(lead, s) and not any(names(s, e) for e in expected) for s in others
                   if not any(core_of(s) in core_of(e) for e in expected))


def fact_recall(answer: str, facts: list[list[str]]) -> float:
    if not facts:
        return 1.0
    a = answer.lower()
    return sum(any(alt.lower() in a for alt in fact) for fact in facts) / len(facts)
