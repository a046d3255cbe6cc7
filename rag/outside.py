"""Other products, so that a question about one of them is recognised as out of scope.

Exam questions about services a guide does not teach ("Which AWS service converts call
recordings to text?") share vocabulary with an ML guide and reach a "which service?"
decision anyway; measured on our suites, relevance and decision scores alone refused only
15 of 20 of them. What tells them apart is that the question's task sounds like what
*another* service does. So each service below carries one-line descriptions of the tasks
it is the exam answer for (a profile's ``outside`` table, rag/profiles/aws.yaml), and a
which-service question whose situation is closer to one of these than
to any statement of the guide is refused.

A service the corpus itself teaches (its own section, or the target of one of its "signal
-> service" statements) is dropped at load time (:func:`prototypes`): if a guide teaches
Amazon Comprehend, Comprehend questions are its questions. A mere mention ("export the
flow to Amazon Redshift") does not count: the guide still does not teach Redshift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

@dataclass(frozen=True)
class Prototype:
    service: str
    text: str


def _core(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().lower()


def prototypes(services: dict[str, tuple[str, ...]], taught: set[str] | frozenset[str]) -> list[Prototype]:
    """Task descriptions of a profile's other products (``services``: name -> tasks), less those
    the corpus teaches (``taught``: names; a taught name matches with or without a leading word,
    so "Comprehend" and "Amazon Comprehend" are the same product)."""
    skip = {_core(n) for n in taught} | {_core(n).split(" ", 1)[-1] for n in taught}
    return [Prototype(name, t) for name, tasks in services.items()
            if _core(name) not in skip and _core(name).split(" ", 1)[-1] not in skip for t in tasks]


def closest(prototype_vecs: np.ndarray, protos: list[Prototype], qvec: np.ndarray) -> tuple[float, Prototype | None]:
    """The outside service whose task description is nearest to the question (cosine)."""
    if not protos:
        return 0.0, None
    sims = prototype_vecs @ qvec
    i = int(np.argmax(sims))
    return float(sims[i]), protos[i]
