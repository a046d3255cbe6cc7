"""The floors a question must reach to be answered, between the material's own anchors
(rag/scope.py): a follow-up or an item with options is held to a lower bar than a question
asked out of the blue, and a described comparison side to a firmer one than a scenario."""

from __future__ import annotations

from studyrag.rag.scope import Calibration


def test_a_conversation_is_held_to_a_lower_floor_than_a_fresh_question():
    cal = Calibration(off=0.094, on=0.598, decided_off=0.373, decided_on=1.747)
    assert cal.off < cal.conversation_floor < cal.which_relevance_floor < cal.relevance_floor
    # everyday off-topic questions reached at most 0.6 of the way to the headings' median
    assert cal.conversation_floor > cal.off + 0.6 * (cal.on - cal.off)


def test_a_described_side_must_be_decided_more_firmly_than_a_scenario():
    cal = Calibration(off=0.094, on=0.598, decided_off=0.373, decided_on=1.747)
    relevance_floor, decided_floor = cal.description_floors
    assert relevance_floor > cal.which_relevance_floor and decided_floor > cal.which_floor


def test_anchors_measured_under_other_decision_weights_are_measured_anew(index_settings, tmp_path):
    """The refusal anchors hold the material's decision scores, so anchors kept for one
    weighing of the decision are read back for it and never for another."""
    from studyrag.index.stores.derived import FolderDerived
    from studyrag.rag import scope
    from studyrag.rag.retrieve import Retriever

    retriever = Retriever(index_settings)
    derived = FolderDerived(tmp_path)
    asked: list[str] = []

    def decided(question: str) -> float:
        asked.append(question)
        return 1.0 + 0.1 * len(asked)

    first = scope.calibrate(retriever, decided, derived, "lex0.2-second0.3")
    measured = len(asked)
    assert measured > 0
    assert scope.calibrate(retriever, decided, derived, "lex0.2-second0.3") == first
    assert len(asked) == measured  # read back, not measured again
    again = scope.calibrate(retriever, decided, derived, "lex0.35-second0.3")
    assert len(asked) == 2 * measured and again.decided_on != first.decided_on
