"""The sentence checker and splitter that stand between a model's draft and the user.

``check_sentence`` runs against the guide's real service catalog (built from the session
index), so "names a service the passages do not" means what it means in the app.
"""

from __future__ import annotations

import pytest

from studyrag.rag.engine import SYSTEM_PROMPT
from studyrag.rag.verify import MARKER_RE, check_sentence, content_words, split_sentences

GT = "Amazon SageMaker Ground Truth"
CANVAS = "Amazon SageMaker Canvas"
# Two numbered passages, worded as the engine builds them ("[n] sentence").
PASSAGES = (
    "[1] Amazon SageMaker Ground Truth is the managed labeling service inside the Amazon SageMaker platform. "
    "[2] Amazon SageMaker Canvas is a no-code interface for business analysts who want ML predictions."
)
ONLY_GT = "[1] Amazon SageMaker Ground Truth is the managed labeling service inside the Amazon SageMaker platform."


@pytest.fixture(scope="module")
def catalog(index_settings):
    from studyrag.rag.knowledge import Knowledge

    return Knowledge(index_settings.with_overrides(backend="none")).catalog


def check(sentence, passages=PASSAGES, answer=(GT,), seen=(), forbidden=(), *, catalog, question=""):
    return check_sentence(sentence, passages, tuple(answer), catalog, list(seen), forbidden=list(forbidden),
                          question=question)


# -- check_sentence --------------------------------------------------------------------------
def test_a_supported_sentence_about_the_answer_passes(catalog):
    assert check("Amazon SageMaker Ground Truth is the managed labeling service. [1]", catalog=catalog) is None
    assert check("It is the managed labeling service inside the SageMaker platform.", catalog=catalog) is None


@pytest.mark.parametrize("sentence", ["", "   ", "[1]", " [2] [3] "])
def test_empty_or_marker_only_sentences_are_rejected(catalog, sentence):
    assert check(sentence, catalog=catalog) == "empty"


def test_an_overlong_sentence_is_rejected(catalog):
    long = "Amazon SageMaker Ground Truth is the managed labeling service " * 10
    assert len(long) > 450
    assert check(long + ".", catalog=catalog) == "too long"


def test_repeating_an_accepted_sentence_is_rejected_whatever_its_case_and_marks(catalog):
    first = "Amazon SageMaker Ground Truth is the managed labeling service."
    assert check(first, catalog=catalog) is None
    assert check("amazon sagemaker ground truth is the managed labeling service [1]", seen=[first],
                 catalog=catalog) == "repetition"


@pytest.mark.parametrize("sentence", [
    "Ground Truth labels labels labels labels the images.",
    "Ground Truth Ground Truth Ground Truth Ground Truth labels images.",
    "It labels data, it labels data, it labels data, it labels data.",
])
def test_a_word_or_phrase_loop_is_rejected(catalog, sentence):
    assert check(sentence, catalog=catalog) == "repetition"


def test_a_phrase_used_twice_is_not_a_loop(catalog):
    assert check("Ground Truth labels images and Ground Truth labels video.", catalog=catalog) is None


def test_a_sentence_echoing_the_instructions_is_rejected(catalog):
    # What the engine passes today: the prompt's first 60 characters.
    assert check(SYSTEM_PROMPT.split(". ")[0] + ".", forbidden=[SYSTEM_PROMPT[:60]],
                 catalog=catalog) == "echoes the instructions"


@pytest.mark.parametrize("piece", [s.strip() + "." for s in SYSTEM_PROMPT.split(".") if len(s.split()) >= 4])
def test_a_sentence_copied_from_anywhere_in_the_instructions_is_rejected(catalog, piece):
    # "Use only the numbered passages." has too few content words for the support check;
    # only the instructions check can stop it.
    assert check(piece, forbidden=[SYSTEM_PROMPT], catalog=catalog) == "echoes the instructions"


def test_naming_a_service_the_passages_do_not_name_is_rejected(catalog):
    reason = check("Amazon Rekognition labels the images for training.", catalog=catalog)
    assert reason == "names Amazon Rekognition, which the cited passages do not"


def test_the_decided_answer_may_be_named_even_if_the_passages_do_not(catalog):
    passages = "[1] The managed labeling service turns raw images into labeled training data."
    assert check("Amazon SageMaker Ground Truth turns raw images into labeled training data.",
                 passages=passages, catalog=catalog) is None


@pytest.mark.parametrize("sentence", [
    "Use Amazon SageMaker Canvas for this labeling work.",
    "You should use Amazon SageMaker Canvas rather than Ground Truth.",
    "Use Amazon SageMaker Canvas, not Amazon SageMaker Ground Truth.",
    "The best choice is Amazon SageMaker Canvas instead of Ground Truth.",
])
def test_recommending_another_service_is_rejected_even_if_the_passages_name_it(catalog, sentence):
    # Canvas is in the passages, so only the "recommends" rule can catch these; a negation
    # elsewhere in the sentence (about Ground Truth) must not excuse them.
    assert check(sentence, catalog=catalog) == f"recommends {CANVAS}, not the answer"


@pytest.mark.parametrize("sentence", [
    "Unlike Amazon SageMaker Canvas, Ground Truth is the right managed labeling service.",
    "Amazon SageMaker Canvas is not the right choice; it is a no-code interface for business analysts.",
    "Use Amazon SageMaker Ground Truth rather than Amazon SageMaker Canvas for labeling.",
    "Amazon SageMaker Canvas isn't the answer because it serves business analysts who want predictions.",
])
def test_mentioning_another_service_to_rule_it_out_is_allowed(catalog, sentence):
    assert check(sentence, catalog=catalog) is None


def test_describing_another_named_service_without_recommending_it_is_allowed(catalog):
    assert check("Amazon SageMaker Canvas is a no-code interface for business analysts.", catalog=catalog) is None


def test_a_chinese_sentence_recommending_another_service_is_rejected(catalog):
    assert check("應該使用 Amazon SageMaker Canvas。", catalog=catalog) == f"recommends {CANVAS}, not the answer"
    assert check("應該使用 Amazon Rekognition。", catalog=catalog).startswith("names Amazon Rekognition")


def test_text_the_passages_do_not_support_is_rejected(catalog):
    reason = check("Ground Truth was invented by pirates sailing across stormy oceans.", catalog=catalog)
    assert reason is not None and reason.endswith("of its words are in the cited passages")
    assert check("Ground Truth was invented by pirates sailing across stormy oceans.",
                 passages=ONLY_GT + " Pirates invented stormy sailing oceans.", catalog=catalog) is None


def test_content_words_ignore_stop_words_and_short_words():
    assert content_words("It is the managed labeling service of the platform") == ["manage", "labeli", "servic", "platfo"]


# -- split_sentences ---------------------------------------------------------------------------
def test_split_returns_complete_sentences_and_the_unfinished_rest():
    assert split_sentences("One. Two! Thr") == (["One.", "Two!"], "Thr")
    assert split_sentences("Is it? Yes.") == (["Is it?", "Yes."], "")
    assert split_sentences("") == ([], "")


def test_split_keeps_decimals_and_versions_whole():
    done, rest = split_sentences("Payloads go up to 1.5 GB. Qwen2.5 writes it. Then")
    assert done == ["Payloads go up to 1.5 GB.", "Qwen2.5 writes it."]
    assert rest == "Then"
    # At the end of a streamed buffer a "." after a digit may still be a decimal point.
    assert split_sentences("Payloads go up to 1.") == ([], "Payloads go up to 1.")


def test_split_keeps_citation_markers_with_their_sentence():
    assert split_sentences("It labels data. [1] It does not train. [2]") == (
        ["It labels data. [1]", "It does not train. [2]"], "")
    assert split_sentences("It labels data [1]. Next") == (["It labels data [1]."], "Next")


def test_split_handles_chinese_full_stops():
    assert split_sentences("第一句。第二句！第三") == (["第一句。", "第二句！"], "第三")


def test_a_closing_quote_after_the_stop_ends_the_sentence_with_it():
    """A draft that ends '… is called a "keystone species."' is a finished sentence."""
    assert split_sentences('It is called a "keystone species." Next') == (['It is called a "keystone species."'], "Next")
    assert split_sentences('It is called a "keystone species."') == (['It is called a "keystone species."'], "")
    assert split_sentences("它叫「頂極群落。」下一句") == (["它叫「頂極群落。」"], "下一句")


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8, 13])
def test_streaming_in_any_chunk_size_gives_the_same_sentences(size):
    """The engine feeds split_sentences a growing buffer; chunking must not change the result."""
    text = ("Asynchronous Inference takes payloads up to 1.5 GB. [1] It queues requests in Amazon S3! "
            "Is that slow? It returns results later. [2] 它會排隊。結果稍後回傳。[3] and it never ends")
    whole, whole_rest = split_sentences(text)
    got, buf = [], ""
    for i in range(0, len(text), size):
        buf += text[i:i + size]
        done, buf = split_sentences(buf)
        got += done
    def bare(s):
        return MARKER_RE.sub("", s).strip()

    assert [bare(s) for s in got] == [bare(s) for s in whole]
    assert len(whole) == 6
    assert bare(buf) == bare(whole_rest) == "and it never ends"
    assert not any(s.endswith("1.") for s in got)


QUESTION = ("A retail company stores 300,000 product photos in Amazon S3 and must label them "
            "before training a classifier. Which service?")


def test_the_questions_own_situation_counts_as_support(catalog):
    tie = "Ground Truth is the managed labeling service for the retail company's product photos before training."
    assert check(tie, catalog=catalog) is not None  # half its words come from the question
    assert check(tie, catalog=catalog, question=QUESTION) is None
    # naming a service the user named (S3) is not inventing one
    assert check("The labeling service reads the product photos the company stores in Amazon S3.",
                 catalog=catalog, question=QUESTION) is None


def test_restating_the_question_is_not_an_explanation(catalog):
    echo = "The retail company must label 300,000 product photos before training a classifier."
    assert "cited passages" in check(echo, catalog=catalog, question=QUESTION)


def test_a_service_the_user_named_is_still_not_recommended_over_the_answer(catalog):
    reason = check("Use Amazon S3 for labeling the product photos.", catalog=catalog, question=QUESTION)
    assert reason is not None and "recommends" in reason


def test_an_everyday_word_in_lower_case_does_not_name_the_thing_it_also_names(catalog):
    # The guide's catalog holds "Amazon SageMaker Processing" (alias "Processing"); a sentence
    # about batch scoring that says "batch processing" names no such thing.
    batch = "Amazon SageMaker Batch Transform"
    passages = "[1] Batch Transform — job-based whole-dataset scoring with no persistent endpoint."
    said = "Amazon SageMaker Batch Transform suits batch processing of a whole dataset with no persistent endpoint."
    assert catalog.get("Amazon SageMaker Processing") is not None
    assert check(said, passages, answer=(batch,), catalog=catalog) is None
    named = "Amazon SageMaker Batch Transform and Processing both score a whole dataset with no persistent endpoint."
    assert check(named, passages, answer=(batch,), catalog=catalog) == \
        "names Amazon SageMaker Processing, which the cited passages do not"
