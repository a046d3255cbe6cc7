"""Deterministic scoring: the rules the eval's numbers rest on."""

from studyrag.eval import metrics as M


def test_service_correct_needs_every_expected_service_in_the_lead():
    assert M.service_correct("Answer: Amazon SageMaker Ground Truth [1]\nmore", ["Amazon SageMaker Ground Truth"])
    assert not M.service_correct("Answer: Amazon SageMaker Pipelines [1]", ["Amazon SageMaker Pipelines", "Amazon SageMaker Model Registry"])
    assert M.service_correct("Answer: Amazon SageMaker Pipelines + Amazon SageMaker Model Registry [1]",
                             ["Amazon SageMaker Pipelines", "Amazon SageMaker Model Registry"])


def test_a_distractor_named_as_the_answer_counts_wrong():
    assert not M.service_correct("Answer: Amazon SageMaker Ground Truth or Amazon Rekognition", ["Amazon SageMaker Ground Truth"])
    # ...but only in the lead: the explanation may name the trap.
    assert M.service_correct("Answer: Amazon SageMaker Ground Truth [1]\nNot Amazon Rekognition.", ["Amazon SageMaker Ground Truth"])


def test_service_correct_accepts_guide_spellings():
    assert M.service_correct("Answer: Real-time endpoints [1]", ["Amazon SageMaker Real-time Inference"])
    assert M.service_correct("答案：Amazon SageMaker Multi-Model Endpoints [1]", ["Amazon SageMaker Multi-Model Endpoints"])


def test_fact_recall_counts_alternatives():
    facts = [["1 GB"], ["1 hour", "an hour"], ["scale to zero", "scales to zero"]]
    assert M.fact_recall("payloads up to 1 GB and up to an hour", facts) == 2 / 3


def test_citations_valid_checks_markers_and_quotes():
    text = "abcdefghij"
    cites = [{"id": 1, "source": "g", "start": 2, "end": 5, "quote": "cde"}]
    assert M.citations_valid("x [1]", cites, lambda s: text)
    assert not M.citations_valid("x [2]", cites, lambda s: text)
    assert not M.citations_valid("x [1]", [{**cites[0], "quote": "cdx"}], lambda s: text)


def test_choice_of_reads_letters_from_free_text():
    opts = {"A": "a", "B": "b", "C": "c", "D": "d"}
    assert M.choice_of("B. Amazon SageMaker Canvas", opts) == ["B"]
    assert M.choice_of("The answer is C", opts) == ["C"]


def test_a_lower_case_word_of_the_material_is_not_a_listed_distractor():
    notes = "The pipeline is defined in a file at the root of the repository."
    lead = "Answer: rules:changes — the pipeline runs the job only when files under mobile/ changed [1]"
    assert M.service_correct(lead, ["rules:changes"], material=notes)
    assert not M.service_correct(lead, ["rules:changes"])  # the seed suites' strict reading, no material
    assert not M.service_correct("Answer: rules:changes or SageMaker Pipelines [1]", ["rules:changes"], material=notes)


def test_a_longer_name_is_no_distractor_and_an_acronym_keeps_its_letters():
    # "SNS" is no "sn" that every "SnapStart" names; "Amazon Bedrock Model Distillation" is one name.
    assert M.service_correct("Answer: Lambda SnapStart [1]", ["SnapStart", "Lambda SnapStart"], any_of=True)
    assert M.service_correct("Answer: Amazon Bedrock Model Distillation [1]", ["Model Distillation"], any_of=True)
    assert not M.service_correct("Answer: Fine-Tuning + Amazon Bedrock [1]", ["fine-tuning"], any_of=True)
    assert not M.service_correct("Answer: Amazon SQS [1]", ["Amazon SNS"])
