"""Practice items from the real guide and the MCQ suite; grading; weighted sampling by topic."""

from __future__ import annotations

from collections import Counter

import pytest

from studyrag.ui import practice as pr


@pytest.fixture(scope="module")
def knowledge(ui_server):
    return ui_server.service.knowledge


@pytest.fixture(scope="module")
def bank(knowledge):
    return pr.Bank(pr.build_bank(knowledge))


def test_guide_scenarios_become_four_option_items(knowledge):
    items = pr.guide_items(knowledge)
    scen = [c for c in knowledge.chunks if c.kind == "scenario"]
    assert len(items) == len(scen) == 12
    for it in items:
        assert len(it.options) == 4 and len(set(it.options.values())) == 4
        assert len(it.correct) == 1
        gold = it.options[it.correct[0]]
        assert gold in knowledge.text_of(knowledge.chunks[0].source)  # worded as in the guide
        for letter, text in it.options.items():  # no distractor names the gold service
            if letter not in it.correct:
                assert not set(it.services) & {s.name for s in knowledge.catalog.find(text)}, (it.id, text)
    by = {it.id: it for it in items}
    s1 = by["guide-scenario-01"]
    assert s1.options[s1.correct[0]] == "Amazon SageMaker Ground Truth"
    assert "Amazon Rekognition" in s1.options.values()  # the guide's trap partner
    assert s1.topic == "Labeling & data prep"
    assert by["guide-scenario-06"].topic == "Inference options"
    assert by["guide-scenario-12"].topic == "Monitoring & responsible AI"


def test_items_are_stable_for_a_seed_and_shuffled(knowledge):
    a, b = pr.guide_items(knowledge, seed=0), pr.guide_items(knowledge, seed=0)
    assert [x.to_json() for x in a] == [x.to_json() for x in b]
    assert len({x.correct[0] for x in a}) > 1  # the answer is not always A
    c = pr.guide_items(knowledge, seed=1)
    assert [x.options for x in a] != [x.options for x in c]


def test_mcq_suite_items_are_included(bank):
    mcq = [it for it in bank.items if it.origin == "mcq-suite"]
    assert len(mcq) >= 30
    two = bank.by_id["mcq-34"]
    assert two.choose == 2 and two.topic == "Inference options"
    assert bank.by_id["mcq-29"].topic == "Training & tuning"  # the gold service decides, not the section
    assert len(bank.topics()) >= 6


def test_grading(bank):
    it = bank.by_id["mcq-34"]
    assert bank.grade(it.id, "C, D").is_correct
    assert bank.grade(it.id, ["d", "c"]).is_correct
    assert not bank.grade(it.id, "C").is_correct
    with pytest.raises(ValueError):
        bank.grade(it.id, "")
    with pytest.raises(ValueError):
        bank.grade("mcq-01", "E")
    with pytest.raises(KeyError):
        bank.grade("nope", "A")


def test_missed_topics_come_up_more(bank):
    progress = pr.new_progress(seed=42)
    progress["scores"] = {"Inference options": {"right": 0, "wrong": 4},
                          **{t: {"right": 3, "wrong": 0} for t in bank.topics() if t != "Inference options"}}
    drawn = Counter()
    for _ in range(300):
        progress["asked"] = []  # sample with replacement to measure the weights
        drawn[pr.pick_next(bank, progress).topic] += 1
    share = drawn["Inference options"] / 300
    base = sum(it.topic == "Inference options" for it in bank.items) / len(bank)
    assert share > base + 0.25, (share, base, drawn)


def test_pick_next_does_not_repeat_until_exhausted(bank):
    progress = pr.new_progress(seed=1)
    seen = [pr.pick_next(bank, progress).id for _ in range(len(bank))]
    assert len(set(seen)) == len(bank)
    nxt = pr.pick_next(bank, progress)  # then starts over
    assert nxt.id in bank.by_id


def test_record_and_scores(bank):
    progress = pr.new_progress(seed=3)
    it = pr.pick_next(bank, progress)
    g = bank.grade(it.id, it.correct)
    pr.record(progress, g)
    rows = pr.score_rows(bank, progress)
    row = next(r for r in rows if r[0] == it.topic)
    assert row[1:] == [1, 0, 100]
