"""Questions and names the answering tests share (written from the guide, not from outputs)."""

from __future__ import annotations

import re

GT = "Amazon SageMaker Ground Truth"
CANVAS = "Amazon SageMaker Canvas"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")
MCQ_STEM = "Which SageMaker capability lets people annotate raw images so that a model can be trained on them later?"
MCQ_OPTIONS = {"A": CANVAS, "B": GT, "C": "Amazon Rekognition", "D": "Amazon SageMaker Studio"}
MARK_RE = re.compile(r"\[(\d+)\]")
