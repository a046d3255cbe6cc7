"""The chunker on the real guide, on a second guide it has never seen, and on arbitrary text."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyrag.ingest.chunker import chunk_text

from ._guides import (
    BEDROCK_FAQ,
    BEDROCK_GUIDE,
    BEDROCK_HEADINGS,
    BEDROCK_TITLE,
    SAGEMAKER_CHILDREN,
    SAGEMAKER_EMPTY_HEADINGS,
    SAGEMAKER_HEADINGS,
    SAGEMAKER_TITLE,
)

NOISE = ["Source ↗", "↗", "官方資料來源", "examhub", "分鐘", "Vol. I", "6,850 字", "Further Reading"]
SOURCE = "sagemaker-platform-aif-c01-study-guide.txt"


@pytest.fixture(scope="module")
def chunks(guide_text):
    return chunk_text(guide_text, SOURCE)


def line_offset(src: str, line: str) -> int:
    """Offset of ``line`` as a whole line of ``src`` (exactly once)."""
    hits = [m.start() for m in re.finditer(rf"^{re.escape(line)}[ \t]*$", src, re.M)]
    assert len(hits) == 1, f"{line!r} is a line of the guide {len(hits)} times"
    return hits[0]


def owner(c) -> str:
    """The heading a chunk sits under (scenario/faq chunks add their own label below it)."""
    return c.section[-2] if c.kind in ("scenario", "faq") else c.section[-1]


# -- the real guide -----------------------------------------------------------------------


def test_headings_are_read_off_the_guide(guide_text):
    # Guards the hand-written list itself: each is a whole line of the guide, in file order.
    offsets = [line_offset(guide_text, h) for h in [SAGEMAKER_TITLE, *SAGEMAKER_HEADINGS]]
    assert offsets == sorted(offsets)
    assert len(SAGEMAKER_HEADINGS) == 36


@pytest.mark.parametrize("heading", [SAGEMAKER_TITLE, *SAGEMAKER_HEADINGS])
def test_every_heading_owns_a_chunk(chunks, heading):
    assert any(owner(c) == heading for c in chunks), f"no chunk under {heading!r}"


def test_no_other_headings(chunks):
    got = {h for c in chunks for h in (c.section if c.kind not in ("scenario", "faq") else c.section[:-1])}
    assert got == {SAGEMAKER_TITLE, *SAGEMAKER_HEADINGS}


def test_heading_without_body_is_dropped(chunks):
    for h in SAGEMAKER_EMPTY_HEADINGS:
        assert not any(h in c.section for c in chunks)
        assert not any(h in c.text for c in chunks)


def test_unambiguous_children_nest_under_their_parent(chunks):
    for child, parent in SAGEMAKER_CHILDREN.items():
        paths = {c.section for c in chunks if c.section[-1] == child}
        assert paths == {(parent, child)}


def test_spans_are_exact_ordered_and_disjoint(chunks, guide_text):
    prev_end = 0
    for c in chunks:
        assert 0 <= c.start < c.end <= len(guide_text)
        assert guide_text[c.start : c.end] == c.text
        assert c.start >= prev_end, f"chunk {c.id} overlaps the previous one"
        prev_end = c.end
        assert c.source == SOURCE and c.id.startswith(SOURCE + "#")
    assert len({c.id for c in chunks}) == len(chunks)


def test_chunks_respect_chunk_size(chunks, guide_text):
    assert max(len(c.text) for c in chunks) <= 900
    bigger = chunk_text(guide_text, SOURCE, 2000)
    assert max(len(c.text) for c in bigger) <= 2000 and len(bigger) < len(chunks)
    assert chunk_text("", SOURCE) == [] and chunk_text("\n\n  \n", SOURCE) == []


def test_no_chunk_crosses_a_section_boundary(chunks, guide_text):
    boundaries = sorted(
        (line_offset(guide_text, h), h)
        for h in [SAGEMAKER_TITLE, *SAGEMAKER_HEADINGS, *SAGEMAKER_EMPTY_HEADINGS]
    )
    heading_lines = {h for _, h in boundaries}
    for c in chunks:
        lines = {l.strip() for l in c.text.splitlines()}
        assert not (lines & heading_lines), f"chunk {c.section} contains a heading line"
        before = [h for off, h in boundaries if off < c.start]
        inside = [h for off, h in boundaries if c.start <= off < c.end]
        assert not inside, f"chunk under {c.section} runs across {inside}"
        assert before[-1] == owner(c), f"chunk at {c.start} is filed under {owner(c)!r}, not {before[-1]!r}"


def test_no_noise_survives(chunks, guide_text):
    for n in NOISE:
        assert n in guide_text  # otherwise the check below proves nothing
        assert not [c.section for c in chunks if n in c.text], n


def test_no_content_is_lost(chunks, guide_text):
    """Every character of every line that is neither blank, noise nor a heading lands in a
    chunk (a long paragraph may be split across consecutive chunks between its sentences)."""
    skip = {SAGEMAKER_TITLE, *SAGEMAKER_HEADINGS, *SAGEMAKER_EMPTY_HEADINGS}
    covered = bytearray(len(guide_text))
    for c in chunks:
        covered[c.start : c.end] = b"\x01" * (c.end - c.start)
    pos = 0
    for raw in guide_text.splitlines(keepends=True):
        line = raw.rstrip("\n")
        start, pos = pos, pos + len(raw)
        s = line.strip()
        if not s or s in skip or s == "Vol. I" or any(n in s for n in ("examhub", "分鐘", "官方資料來源")):
            continue
        content = re.sub(r"\s*Source ↗\s*$", "", line)
        lost = [i for i in range(start, start + len(content)) if not covered[i] and not guide_text[i].isspace()]
        assert not lost, f"line lost: {s[:60]!r}"


def test_scenarios_are_one_chunk_each(chunks, guide_text):
    scen = [c for c in chunks if c.kind == "scenario"]
    lines = re.findall(r"^Scenario \d+:.*$", guide_text, re.M)
    assert len(lines) == 12
    assert [c.text for c in scen] == lines
    assert [c.section[-1] for c in scen] == [f"Scenario {i}" for i in range(1, 13)]
    assert {c.section[:-1] for c in scen} == {("Practice-Ready Scenarios — Task 3.1 Mapped Exercises",)}
    # No scenario text anywhere else.
    assert not [c for c in chunks if c.kind != "scenario" and re.search(r"^Scenario \d+:", c.text, re.M)]


def test_faq_entries_are_one_chunk_each(chunks, guide_text):
    faq = [c for c in chunks if c.kind == "faq"]
    qa = re.findall(r"^(\d)\. (.+\?)\n\n(.+)$", guide_text, re.M)
    assert len(qa) == 7
    assert [c.text for c in faq] == [f"{n}. {q}\n\n{a}" for n, q, a in qa]
    assert [c.section for c in faq] == [
        ("FAQ — Amazon SageMaker Platform Top 7 Questions", q) for _, q, _ in qa
    ]


def test_table_lines_become_one_table_chunk(chunks, guide_text):
    tables = [c for c in chunks if c.kind == "table"]
    first = line_offset(guide_text, "Dimension Amazon SageMaker Platform Amazon Bedrock")
    last_line = "Generative AI-specific tools Via Amazon SageMaker JumpStart Bedrock Guardrails, Knowledge Bases, Agents, Model Evaluation"
    last = line_offset(guide_text, last_line) + len(last_line)
    assert len(tables) == 1
    assert (tables[0].start, tables[0].end) == (first, last)
    assert len(tables[0].text.splitlines()) == 8
    assert tables[0].section == ("Amazon SageMaker Platform vs Amazon Bedrock — Decision Matrix",)


def test_summary_kinds(chunks):
    summary_sections = {"Summary", "Key Numbers and Must-Memorize Amazon SageMaker Facts"}
    for c in chunks:
        if owner(c) in summary_sections:
            assert c.kind == "summary", c.section
        else:
            assert c.kind != "summary", c.section
    assert any(c.section == ("Summary",) for c in chunks)
    assert "".join(c.text for c in chunks if c.section == ("Summary",)).endswith("Task 3.1 scenario question.")


def test_kind_counts(chunks):
    kinds = [c.kind for c in chunks]
    assert {k: kinds.count(k) for k in set(kinds)}.keys() == {"body", "table", "scenario", "faq", "summary"}
    assert (kinds.count("scenario"), kinds.count("faq"), kinds.count("table")) == (12, 7, 1)


def test_json_round_trip(chunks):
    from studyrag.ingest.chunker import Chunk

    assert [Chunk.from_json(c.to_json()) for c in chunks] == chunks


def test_chunking_is_deterministic(chunks, guide_text):
    assert chunk_text(guide_text, SOURCE) == chunks


# -- a second guide the chunker was not written against -----------------------------------


@pytest.fixture(scope="module")
def bedrock():
    return chunk_text(BEDROCK_GUIDE, "bedrock.txt")


def test_second_guide_spans_and_noise(bedrock):
    assert bedrock
    for c in bedrock:
        assert BEDROCK_GUIDE[c.start : c.end] == c.text and c.start < c.end
        for n in NOISE[:5] + ["Vol. II", "3,200 字"]:
            assert n not in c.text, (n, c.section)


def test_second_guide_headings(bedrock):
    owners = [owner(c) for c in bedrock]
    assert owners[0] == BEDROCK_TITLE
    for h in BEDROCK_HEADINGS:
        assert h in owners, h
    assert set(owners) == {BEDROCK_TITLE, *BEDROCK_HEADINGS}
    sub = [c for c in bedrock if c.section[-1] == "Chunking Strategies"]
    assert [c.section for c in sub] == [("Knowledge Bases — Managed RAG", "Chunking Strategies")]


def test_second_guide_bullets_stay_with_their_paragraph(bedrock):
    (providers,) = [c for c in bedrock if c.section[-1] == "Model Providers"]
    assert providers.kind == "body"
    assert providers.text.startswith("Bedrock hosts models")
    assert providers.text.endswith("• Stability AI — image generation from text prompts.")


def test_second_guide_trailing_source_marker_is_cut(bedrock):
    (kb,) = [c for c in bedrock if c.section == ("Knowledge Bases — Managed RAG",)]
    assert kb.text.endswith("at question time.")


def test_second_guide_scenario_lines_are_one_chunk_each(bedrock):
    scen = [c for c in bedrock if c.kind == "scenario"]
    lines = re.findall(r"^Scenario \d: .*$", BEDROCK_GUIDE, re.M)
    assert [c.text for c in scen] == lines and len(lines) == 3
    assert [c.section[-2:] for c in scen] == [("Exam Scenarios", f"Scenario {i}") for i in (1, 2, 3)]


def test_second_guide_faq(bedrock):
    faq = [c for c in bedrock if c.kind == "faq"]
    assert [c.section[-2:] for c in faq] == [("Frequently Asked Questions", q) for q in BEDROCK_FAQ]
    assert [c.text for c in faq] == [f"{i}. {q}\n\n{a}" for i, (q, a) in enumerate(BEDROCK_FAQ.items(), 1)]


def test_second_guide_kinds(bedrock):
    by_owner = {}
    for c in bedrock:
        by_owner.setdefault(owner(c), set()).add(c.kind)
    assert by_owner["Recap"] == {"summary"}
    assert by_owner["Exam Scenarios"] == {"scenario"}
    assert by_owner["Frequently Asked Questions"] == {"faq"}
    for h in (BEDROCK_TITLE, "Model Providers", "Knowledge Bases — Managed RAG", "Guardrails for Amazon Bedrock"):
        assert by_owner[h] == {"body"}, h


def test_markdown_headings():
    body = "A paragraph long enough to be the first real paragraph of this small guide. " * 4
    md = f"# Guide Title\n\n{body}\n\n## First Part\n\nShort text here.\n\n## Second Part\n\nMore text here.\n"
    got = chunk_text(md, "g.md")
    assert [c.section[-1] for c in got] == ["Guide Title", "First Part", "Second Part"]
    assert all(not c.text.startswith("#") for c in got)


def test_markdown_headings_right_above_their_lists_nest_by_level():
    md = ("# My Notes\n> written for the exam\n\n---\n\n## 6. Controls\n### SIEM\n- Collects logs from many sources.\n"
          "- Correlates events and raises alerts.\n### EDR\n- Agent on each laptop.\n#### Response\n"
          "- Isolates the machine.\n\n## 7. Ports\n| Protocol | Port |\n|---|---|\n| SSH | 22 |\n")
    got = chunk_text(md, "n.md")
    assert [(c.section, c.text.splitlines()[0]) for c in got] == [
        (("My Notes",), "> written for the exam"),
        (("6. Controls", "SIEM"), "- Collects logs from many sources."),
        (("6. Controls", "EDR"), "- Agent on each laptop."),
        (("EDR", "Response"), "- Isolates the machine."),
        (("7. Ports",), "| Protocol | Port |"),
    ]
    assert [c.kind for c in got][-1] == "table"


# -- arbitrary input ----------------------------------------------------------------------

GUIDE_BITS = st.sampled_from(
    [
        "\n", "\n\n", "\r\n", " ", "\t", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\ufeff",
        "Scenario 1: ", "Scenario 2: A team. Correct choice: X.", "1. What is it?", "2. Why?",
        "  • bullet", "- dash", "Source ↗", "↗", "官方資料來源", "約 5 分鐘", "examhub", "Vol. I",
        "# Heading", "Summary", "Heading — Sub", "FAQ", "中文段落。", "e.g. ", "vs. ", "x" * 250,
        "A sentence. ", "Another one! ", "Q? ", "“quoted.” ",
    ]
)
ANY_TEXT = st.one_of(st.text(), st.lists(st.one_of(GUIDE_BITS, st.text(max_size=5)), max_size=80).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(src=ANY_TEXT, chunk_size=st.integers(200, 4000))
def test_arbitrary_text_never_breaks_spans(src, chunk_size):
    prev_end = 0
    for c in chunk_text(src, "f.txt", chunk_size):
        assert c.start < c.end
        assert src[c.start : c.end] == c.text
        assert c.start >= prev_end
        prev_end = c.end
        assert c.kind in {"body", "scenario", "faq", "summary", "table"}
        assert c.section and all(isinstance(h, str) and h for h in c.section)


def test_a_short_opening_paragraph_is_not_taken_for_the_title():
    text = ("Harbour Guide\n\nHow to use this page\n\n"
            "This page covers the boats and the rules of the harbour for the skipper test.\n\n"
            "Ferries\n\n" + "Ferries run every twenty minutes between the two piers of the harbour. " * 4 + "\n")
    sections = [c.section for c in chunk_text(text, "harbour.txt", 1000)]
    assert ("Ferries",) in sections
    assert not any(s[0].startswith("This page covers") for s in sections)


NUMBERED_PAGE = """Data Services Study Guide

This page covers the data services an ML team uses, one numbered section each, with the signals the exam gives for each of them.

1. Harbour Store — Object Storage for the Lake

Harbour Store keeps objects of any size in buckets and is where every dataset lands first before anything else touches it.

2. Quay Migrate (QM)

Quay Migrate moves relational databases into the platform while the source keeps running, and keeps replicating changes afterwards.

Steps to remember:

1. Create the source endpoint.

2. Create the target endpoint.
"""


def test_numbered_title_lines_between_paragraphs_are_headings_and_a_numbered_list_is_not():
    heads = {c.heading for c in chunk_text(NUMBERED_PAGE, SOURCE)}
    assert "2. Quay Migrate (QM)" in heads and "1. Harbour Store — Object Storage for the Lake" in heads, heads
    assert not any("endpoint" in h for h in heads), heads


WRAPPED_NOTES = """# Soil notes

## Texture

Loam holds water and air in balance because it mixes sand, silt and clay in roughly
equal parts; gardeners prize it for vegetables. Clay soils drain slowly and crack
when they dry out, so they need organic matter worked in every autumn before the
first frosts arrive.

| Soil | drains | holds nutrients |
|---|---|---|
sand | fast | poorly
clay | slowly | well
"""


def test_a_hard_wrapped_paragraph_is_prose_with_whole_sentences():
    from studyrag.ingest.chunker import sentence_spans

    chunks = chunk_text(WRAPPED_NOTES, "soil.md")
    prose = next(c for c in chunks if "Loam" in c.text)
    assert prose.kind == "body"
    sentences = [WRAPPED_NOTES[a:b] for a, b in sentence_spans(WRAPPED_NOTES, prose.start, prose.end)]
    assert len(sentences) == 2 and sentences[0].endswith("vegetables.") and "crack\nwhen" in sentences[1]
    rows = [c for c in chunks if "sand | fast" in c.text]
    spans = sentence_spans(WRAPPED_NOTES, rows[0].start, rows[0].end)
    assert any(WRAPPED_NOTES[a:b] == "sand | fast | poorly" for a, b in spans)


def test_a_bold_term_that_a_definition_follows_opens_a_sentence_other_bold_words_do_not():
    from studyrag.ingest.chunker import sentence_spans

    line = ("- **Id** — unconscious, present at birth. **Ego** — mostly conscious, the referee. "
            "**Superego** = the conscience. Taught in unit 9. **Not on the exam**; read it anyway.")
    assert [line[a:b] for a, b in sentence_spans(line, 0, len(line))] == [
        "- **Id** — unconscious, present at birth.", "**Ego** — mostly conscious, the referee.",
        "**Superego** = the conscience.", "Taught in unit 9. **Not on the exam**; read it anyway."]


FENCED_NOTES = """# Kiln Notes

## Firing

Firing turns clay into ceramic.

```bash
# load the shelves first
kilnctl start --cone 06
# then wait for the controller to beep
kilnctl status
```

## Glazing

Glaze is applied after the bisque firing.
"""


def test_a_comment_inside_a_code_fence_is_no_heading():
    sections = {c.section for c in chunk_text(FENCED_NOTES, "kiln.md")}
    assert sections == {("Firing",), ("Glazing",)}, sections
