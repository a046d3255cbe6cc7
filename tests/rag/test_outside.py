"""Questions about AWS services the guide does not teach are refused; the guide's own are not.

Real parts: the real guide's FAISS index, MiniLM, the extractive engine. The questions are
written for this test (not taken from the eval suites) and name no service.
"""

from __future__ import annotations

import pytest

from studyrag.rag import outside
from studyrag.rag.engine import REFUSAL, Tutor


@pytest.fixture(scope="module")
def tutor(index_settings):
    return Tutor(index_settings.with_overrides(backend="none"))


@pytest.mark.parametrize("question", [
    "A retailer wants to know whether each of its 40,000 product reviews is positive or negative. Which AWS service does this without building a model?",
    "Which AWS service reads the fields and tables out of scanned insurance claim forms?",
    "A call center must turn every recorded support call into a written transcript. Which AWS service?",
    "Which AWS service lets a company read its e-learning lessons aloud in a natural-sounding voice?",
    "Which AWS service keeps a record of every API call made in an account, so auditors can see who deleted a resource?",
    "An online shop wants its images and videos cached at edge locations near shoppers around the world. Which AWS service?",
    "A security team must find which S3 buckets hold passport numbers and other personal data. Which AWS service finds it automatically?",
])
def test_questions_about_other_aws_services_are_refused(tutor, question):
    ans = tutor.ask(question)
    assert ans.refused and ans.citations == [] and ans.answer == REFUSAL["en"]


@pytest.mark.parametrize("question, service", [
    ("A hospital's radiologists must outline tumours on 12,000 scans before a detection model is trained. Which SageMaker service organizes that work?", "Ground Truth"),
    ("A marketing analyst who cannot code wants to predict churn from a spreadsheet. What should she use?", "Canvas"),
    ("Our model's live inputs are slowly drifting away from the training data and we want an alert when that happens. Which SageMaker capability?", "Model Monitor"),
    ("An internal tool gets a handful of prediction requests a day and the team does not want to pay for idle instances. Which inference option?", "Serverless"),
])
def test_guide_questions_near_other_services_are_still_answered(tutor, question, service):
    ans = tutor.ask(question)
    assert not ans.refused
    assert service in ans.answer.splitlines()[0]


def test_a_service_the_corpus_teaches_is_not_an_outside_prototype(tutor):
    aws = tutor.knowledge.profile.outside  # the AWS profile's table (rag/profiles/aws.yaml)
    names = {p.service for p in outside.prototypes(aws, {"Amazon Comprehend", "Transcribe"})}
    assert "Amazon Comprehend" not in names and "Amazon Transcribe" not in names
    assert "Amazon Polly" in names
    # The guide itself teaches every SageMaker capability it has a section for; none of
    # those is an outside service, and the vectors line up with the prototypes.
    k = tutor.knowledge
    assert not ({p.service for p in k.outside} & k.topics)
    assert k.outside_vecs.shape == (len(k.outside), k.embedder.dim)


def test_the_margin_is_positive_for_an_outside_task_and_negative_for_a_guide_task(tutor):
    k = tutor.knowledge
    out, name = k.outside_margin(k.embedder.embed_queries(["convert speech in phone calls to text"])[0])
    assert out > 0 and name == "Amazon Transcribe"
    inside, _ = k.outside_margin(k.embedder.embed_queries(["label images with a human workforce before training"])[0])
    assert inside < 0
