"""The app's JSON API through gradio_client, against the real server and the real index."""

from __future__ import annotations

import sqlite3

import pytest

gradio_client = pytest.importorskip("gradio_client")


@pytest.fixture(scope="module")
def client(ui_server):
    return gradio_client.Client(ui_server.url, verbose=False, download_files=False, analytics_enabled=False)


def _guide(ui_server, source: str) -> str:
    return ui_server.service.knowledge.text_of(source)


def test_api_lists_the_named_endpoints(client):
    info = client.view_api(print_info=False, return_format="dict")
    names = set(info["named_endpoints"])
    assert {"/ask", "/practice_question", "/practice_grade", "/feedback", "/index_info"} <= names
    # The UI's own handlers (HTML in, HTML out) are not part of the API.
    assert not any("chat" in n or "lambda" in n for n in names)


def test_ask_returns_a_cited_answer(client, ui_server):
    r = client.predict(question="A retail company must label 300,000 product images before training a custom "
                       "classifier. Which AWS service should they use?", api_name="/ask")
    assert "Amazon SageMaker Ground Truth" in r["answer"]
    assert r["citations"], r
    assert "[1]" in r["answer"]
    for c in r["citations"]:
        assert c["quote"] == _guide(ui_server, c["source"])[c["start"]:c["end"]]
        assert c["section"]
    assert r["backend"] == "none" and r["refused"] is False and not r.get("error")


def test_ask_multiple_choice_and_history(client):
    r = client.predict(
        question="Which option lets a business analyst with no Python build a churn model from a CSV?",
        options={"A": "Amazon SageMaker Studio", "B": "Amazon SageMaker Canvas",
                 "C": "Amazon SageMaker Ground Truth", "D": "Amazon Rekognition"},
        api_name="/ask")
    assert r["choice"] == ["B"] and r["kind"] == "mcq"
    first = client.predict(question="What is SageMaker Serverless Inference?", api_name="/ask")
    follow = client.predict(question="and the asynchronous one?",
                            history=[{"role": "user", "content": "What is SageMaker Serverless Inference?"},
                                     {"role": "assistant", "content": first["answer"]}],
                            api_name="/ask")
    assert "Asynchronous" in follow["answer"], follow["answer"]
    assert follow["citations"]


def test_ask_out_of_scope_is_refused(client):
    r = client.predict(question="What is the capital of France?", api_name="/ask")
    assert r["refused"] is True and r["citations"] == []


def test_ask_empty_question_is_a_clear_error(client):
    with pytest.raises(Exception) as e:
        client.predict(question="   ", api_name="/ask")
    assert "Traceback" not in str(e.value)


def test_backend_failure_still_answers_with_a_friendly_error(client, no_aws_credentials):
    r = client.predict(question="A fraud team scores the full monthly transaction table in one nightly run. "
                       "Which AWS service should they use?",
                       settings={"backend": "bedrock", "aws_region": "us-east-1"}, api_name="/ask")
    assert r["error"] and "credentials" in r["error"].lower(), r
    assert "Traceback" not in r["error"]
    assert "Batch Transform" in r["answer"] and r["citations"]
    assert r["fallback"] is True


def test_practice_question_and_grade(client, ui_server):
    q = client.predict(item_id="", seed=7, user="api-user", topic="", api_name="/practice_question")
    assert set(q) >= {"id", "stem", "options", "topic", "kind"}
    assert "key" not in q and "cited" not in q  # the key stays on the server
    item = ui_server.service.practice.bank.by_id[q["id"]]
    wrong = next(L for L in item.options if L != item.key)
    g = client.predict(item_id=q["id"], pick=item.key.lower(), user="api-user", api_name="/practice_grade")
    assert g["correct"] is True and g["key"] == item.key and g["why_not"] is None
    assert g["key_text"] == item.key_text and g["cited"]["text"] == item.cited.text  # the sentence that keys it
    g2 = client.predict(item_id=q["id"], pick=wrong, user="api-user", api_name="/practice_grade")
    assert g2["correct"] is False and g2["pick"] == wrong
    assert g2["why_not"] and item.options[wrong] in g2["why_not"]
    rows = {r.topic: r for r in ui_server.service.practice.store.rows("api-user")}
    assert (rows[item.topic].right, rows[item.topic].wrong) == (1, 1)


def test_practice_question_in_a_topic(client, ui_server):
    topic = ui_server.service.practice.bank.topics()[0]
    q = client.predict(item_id="", seed=1, user="", topic=topic, api_name="/practice_question")
    assert q["topic"] == topic
    with pytest.raises(Exception):
        client.predict(item_id="", seed=1, user="", topic="no such section", api_name="/practice_question")


def test_practice_grade_unknown_item_is_an_error(client):
    with pytest.raises(Exception):
        client.predict(item_id="no-such-item", pick="A", api_name="/practice_grade")


def test_feedback_through_the_api_is_saved_and_scrubbed(client, ui_server):
    r = client.predict(question="What does SageMaker Model Monitor detect? my key is AKIAIOSFODNN7EXAMPLE",
                       api_name="/ask")
    saved = client.predict(answer=r, rating="down", comment="aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                           api_name="/feedback")
    assert saved["saved"] is True
    con = sqlite3.connect(ui_server.feedback_path)
    row = con.execute("SELECT question, rating, comment, citations FROM feedback WHERE id = ?", (saved["id"],)).fetchone()
    con.close()
    assert row[1] == -1
    assert "AKIA" not in row[0] and "[REDACTED]" in row[0]
    assert "wJalrXUtnFEMI" not in row[2]


def test_index_info(client, ui_server):
    info = client.predict(api_name="/index_info")
    assert info["chunk_count"] == len(ui_server.service.knowledge.chunks)
    assert info["sources"][0]["name"].endswith(".txt") and info["built_at"]


@pytest.mark.slow
def test_ask_with_the_real_local_model(client, ui_server):
    from studyrag.rag.llms.models import DEFAULT_MODEL, MODELS

    if not MODELS[DEFAULT_MODEL].installed():
        pytest.skip(f"local model {DEFAULT_MODEL} is not installed ({MODELS[DEFAULT_MODEL].install})")
    r = client.predict(question="An application processes requests sporadically and must not pay for idle "
                       "endpoint time. Which AWS service should it use?",
                       settings={"backend": "local"}, api_name="/ask")
    assert r["backend"] == "local" and r["model"] == DEFAULT_MODEL
    assert "Serverless Inference" in r["answer"] and r["citations"]
    assert not r.get("error"), r["error"]
    zh = client.predict(question="哪個 SageMaker 服務可以在訓練前為圖片加上標籤？", settings={"backend": "local"},
                        api_name="/ask")
    assert zh["lang"] == "zh" and zh["answer"]
