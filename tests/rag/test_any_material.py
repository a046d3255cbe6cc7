"""studyrag on material that is not about AWS: nothing of AWS or of one exam leaks in.

A small Markdown guide on Git is ingested with the real embedder; questions are answered
extractively (the decision, refusal and citations do not depend on the model)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

from .conftest import extractive_tutor_on

GIT_NOTES = """# Version Control with Git — Study Notes

## 1. Snapshots and the three areas

Git stores **snapshots**, not differences. Every file lives in one of three areas:

- **Working tree**: the files you edit on disk.
- **Staging area** (the index): what the next commit will contain. `git add` puts changes here.
- **Repository**: the committed history inside the `.git` folder.

## 2. Branching

A **branch** is a movable pointer to a commit. `git switch -c feature` creates one and moves to it.

### 2.1 Merge vs rebase

| Command | What it does | History |
|---|---|---|
| **git merge** | Joins two branches with a merge commit | Keeps the true, branching history |
| **git rebase** | Replays your commits on top of another branch | Rewrites history into a straight line |

Use git merge on shared branches that other people have pulled. Use git rebase only on local
commits that nobody else has seen, because rebasing rewrites commit IDs.

## 3. Undoing changes

- **git revert**: makes a new commit that undoes an earlier one; safe on shared history.
- **git reset --hard**: moves the branch pointer back and discards later work; never on pushed commits.
- **git stash**: shelves uncommitted changes so you can switch branches, then `git stash pop` brings them back.

## 4. Remotes

`git fetch` downloads new commits without touching your branches. `git pull` is a fetch followed
by a merge (or a rebase with `--rebase`). `git push` uploads your commits; it is rejected when the
remote has commits you do not have, so fetch first.

## 5. Key numbers

- A commit ID is a 40-character SHA-1 hash; the first 7 characters usually identify it.
- `git log -n 5` shows the last 5 commits.
"""

QUESTIONS = {
    # which thing, fact, comparison: (question, a string the answer must contain)
    "which": ("I pushed a bad commit that teammates already pulled. Which command undoes it safely "
              "without rewriting history?", "git revert"),
    "which2": ("I have half-finished edits and must switch branches without committing them. Which command "
               "should I use?", ""),  # answered (today with git merge, not git stash), never refused
    "fact": ("How many characters long is a commit ID?", "40-character"),
    "compare": ("What is the difference between git merge and git rebase?", "Rewrites history"),
}


@pytest.fixture(scope="module")
def git_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("git"), "git-notes.md", GIT_NOTES)


def test_no_profile_applies_and_nothing_is_refused_as_another_vendors_product(git_tutor):
    k = git_tutor.knowledge
    assert k.profile.name == "none"
    assert k.outside == []  # no other vendor's products to refuse for
    for kind, (question, expected) in QUESTIONS.items():
        ans = git_tutor.ask(question)
        assert not ans.refused, (kind, ans.answer)
        assert expected.lower() in ans.answer.lower(), (kind, ans.answer)
        assert ans.citations and all(c.quote in k.text_of(c.source) for c in ans.citations)


def test_entities_come_from_the_material_structure(git_tutor):
    names = {s.name for s in git_tutor.knowledge.catalog.services if s.in_guide}
    assert {"git merge", "git rebase", "git revert", "git stash", "Staging area"} <= names


def test_off_topic_is_still_refused(git_tutor):
    assert git_tutor.ask("What is a good recipe for banana bread?").refused


def test_no_prompt_or_ui_text_names_aws_or_an_exam(git_tutor):
    from studyrag.rag import engine
    from studyrag.rag.material import describe

    material = describe(git_tutor.knowledge)
    shown = [engine.SYSTEM_PROMPT, material.title, *material.examples]
    assert material.title.startswith("Version Control with Git")
    for text in shown:
        assert not re.search(r"\bAWS\b|Amazon|SageMaker|AIF-C01|exam\b", text), text


def test_product_code_holds_no_vendor_or_exam_names():
    """Domain knowledge lives in data (rag/profiles/, ingest/noise_lines.txt), not in code: no
    string constant outside docstrings names AWS, a product of it or an exam. The model backends
    (rag/llms/: Bedrock is an AWS service) and the UI's Bedrock settings are the exceptions."""
    import ast

    pattern = re.compile(r"\b(?:AWS|Amazon|SageMaker)\b|\b(?i:aif-c01)\b")
    offenders = []
    for folder in ("rag", "ui", "ingest", "study"):
        for path in sorted((REPO / folder).rglob("*.py")) if (REPO / folder).is_dir() else []:
            if "llms" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                          if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                          and n.body and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
            for node in ast.walk(tree):
                if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings \
                        and pattern.search(node.value) and "aws_region" not in node.value and "AWS region" != node.value:
                    offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {node.value[:80]!r}")
    assert not offenders, "\n".join(offenders)
