"""Security properties of the whole system, checked on the real parts.

* Nothing on disk or in the source can run code when loaded: the index folder holds only
  FAISS/JSONL/JSON files (no pickle), the embedding cache is plain .npy, and the project's
  Python never calls a pickle-based loader (checked with ``ast``, not grep).
* The web app binds to loopback unless told otherwise (off-loopback needs --auth: that is
  tests/ui/test_cli_ui.py).
* AWS credentials never reach an answer, a feedback row, an eval report or the logs, even
  when the Bedrock backend fails.
* Paths that come from outside (a citation's ``source``, a symlink under data/) cannot
  leave the data folder.
"""

from __future__ import annotations

import ast
import json
import logging
from pathlib import Path

import numpy as np
import pytest

from studyrag.ingest.sources import SourceError, find_sources, load_sources, source_text
from tests.support.tutors import fake_aws_env, variant
from tests.conftest import GUIDE, REPO

PROJECT_DIRS = ["studyrag", "ingest", "rag", "eval", "ui"]
GT = "Amazon SageMaker Ground Truth"
LABEL_Q = ("A museum wants volunteers to tag 20,000 scanned paintings by art style before it trains its "
           "own classifier. Which SageMaker service should manage the tagging?")

# Recognisable fake credentials (shaped like real ones, so the scrubber's patterns apply).
FAKE_KEY_ID = "AKIASTUDYRAGFAKE7Q2X"
FAKE_SECRET = "sRagFake/Secret+Key0123456789abcdefGHIJ9"
assert len(FAKE_KEY_ID) == 20 and len(FAKE_SECRET) == 40


# == no pickle: the index on disk ==================================================================
PICKLE_HEADERS = (b"\x80\x02", b"\x80\x03", b"\x80\x04", b"\x80\x05")
INDEX_SUFFIXES = {".faiss", ".jsonl", ".json"}


def test_index_folder_holds_only_faiss_jsonl_and_json(index_settings):
    link = Path(index_settings.resolved_index_dir)
    folder = link.resolve()
    builds = link.parent / f".{link.name}-builds"
    files = [p for root in (folder, builds) for p in root.rglob("*") if p.is_file()]
    assert files, "the session index wrote nothing"
    assert {p.name for p in folder.iterdir()} == {"vectors.faiss", "chunks.jsonl", "texts.jsonl", "manifest.json",
                                                  "derived"}
    for p in files:
        if p.parent.name == "derived":  # answering's derived data: plain .npy and .json (next test)
            continue
        assert p.suffix in INDEX_SUFFIXES, f"unexpected file type in the index: {p}"
        head = p.read_bytes()[:2]
        assert head not in PICKLE_HEADERS, f"{p} starts with a pickle protocol header"
        if p.suffix == ".faiss":
            assert p.read_bytes()[:4] == b"IxFI", f"{p} is not a FAISS flat inner-product index"
        elif p.suffix == ".json":
            json.loads(p.read_text(encoding="utf-8"))
        else:
            for line in p.read_text(encoding="utf-8").splitlines():
                assert isinstance(json.loads(line), dict)


def test_derived_vectors_are_plain_npy(index_settings, none_tutor):
    """The sentence/FAQ/signal vectors ingest derives into the build load with allow_pickle=False."""
    assert none_tutor.knowledge.sentences
    derived = Path(index_settings.resolved_index_dir).resolve() / "derived"
    files = sorted(derived.iterdir())
    assert files, "ingest derived nothing for answering"
    for p in files:
        if p.suffix == ".json":  # the refusal calibration (rag/scope.py): four numbers as JSON
            anchors = json.loads(p.read_text(encoding="utf-8"))
            assert set(anchors) == {"off", "on", "decided_off", "decided_on"}
            assert all(isinstance(v, float) for v in anchors.values())
            continue
        assert p.suffix == ".npy", f"unexpected file in the cache: {p}"
        assert p.read_bytes()[:6] == b"\x93NUMPY"
        arr = np.load(p, allow_pickle=False)
        assert arr.dtype == np.float32 and arr.ndim == 2


# == no pickle: the project's source =================================================================
BANNED_MODULES = {"pickle", "cPickle", "_pickle", "cloudpickle", "dill", "shelve"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader", "CBaseLoader"}


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def unsafe_deserialization(source: str, filename: str = "<src>") -> list[str]:
    """Every pickle-based load (or the door to one) in ``source``, as 'file:line what'."""
    found = []

    def hit(node, what):
        found.append(f"{filename}:{getattr(node, 'lineno', 0)} {what}")

    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in BANNED_MODULES:
                    hit(node, f"import {a.name}")
        elif isinstance(node, ast.ImportFrom):
            mod = (node.module or "").split(".")[0]
            if mod in BANNED_MODULES:
                hit(node, f"from {node.module} import ...")
            if mod == "torch" and any(a.name == "load" for a in node.names):
                hit(node, "from torch import load")
        elif isinstance(node, ast.Call):
            name = _dotted(node.func)
            last = name.rsplit(".", 1)[-1]
            kw = {k.arg: k.value for k in node.keywords if k.arg}
            if name in ("torch.load", "joblib.load") or last in ("read_pickle", "unsafe_load", "full_load"):
                hit(node, f"{name}()")
            if last == "load" and name.split(".")[0] in ("np", "numpy"):
                v = kw.get("allow_pickle")
                if v is not None and not (isinstance(v, ast.Constant) and v.value is False):
                    hit(node, f"{name}(allow_pickle={ast.unparse(v)})")
            if name in ("yaml.load", "load") and "Loader" in kw:
                loader = _dotted(kw["Loader"]).rsplit(".", 1)[-1]
                if loader not in SAFE_YAML_LOADERS:
                    hit(node, f"{name}(Loader={loader})")
            elif name == "yaml.load":
                hit(node, "yaml.load() without a safe Loader")
            for k in node.keywords:
                if k.arg == "allow_dangerous_deserialization":
                    hit(node, "allow_dangerous_deserialization=")
        elif isinstance(node, ast.Name) and node.id in BANNED_MODULES:
            hit(node, f"name {node.id}")
        elif isinstance(node, ast.Attribute) and node.attr == "allow_dangerous_deserialization":
            hit(node, "allow_dangerous_deserialization")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and "allow_dangerous_deserialization" in node.value and "=" in node.value:
            hit(node, "allow_dangerous_deserialization in a string")
    return found


def project_sources() -> list[Path]:
    files = sorted(p for d in PROJECT_DIRS for p in (REPO / d).rglob("*.py") if ".venv" not in p.parts)
    assert len(files) > 30, files
    return files


def test_the_scanner_finds_every_banned_pattern():
    """The scanner itself: each pattern it must catch, and the safe forms it must let pass."""
    bad = {
        "import pickle": 1, "import cloudpickle as cp": 1, "from pickle import loads": 1,
        "import dill": 1, "import joblib\njoblib.load('m.pkl')": 1, "import torch\ntorch.load('w.pt')": 1,
        "from torch import load": 1, "import numpy as np\nnp.load('v.npy', allow_pickle=True)": 1,
        "import numpy\nflag = True\nnumpy.load('v.npy', allow_pickle=flag)": 1,
        "FAISS.load_local('x', emb, allow_dangerous_deserialization=True)": 1,
        "import yaml\nyaml.load(open('t.yaml'))": 1,
        "import yaml\nyaml.load(open('t.yaml'), Loader=yaml.Loader)": 1,
        "import pandas as pd\npd.read_pickle('x')": 1,
    }
    for src, n in bad.items():
        assert len(unsafe_deserialization(src)) >= n, src
    good = [
        "import numpy as np\nnp.load('v.npy', allow_pickle=False)", "import numpy as np\nnp.load('v.npy')",
        "import yaml\nyaml.safe_load('a: 1')", "import yaml\nyaml.load('a: 1', Loader=yaml.SafeLoader)",
        "import json\njson.load(open('x'))", "import faiss\nfaiss.read_index('x')",
        "s = 'No pickle anywhere'",
    ]
    for src in good:
        assert unsafe_deserialization(src) == [], src


def test_project_source_never_deserializes_with_pickle():
    found = []
    for p in project_sources():
        found += unsafe_deserialization(p.read_text(encoding="utf-8"), str(p.relative_to(REPO)))
    assert found == [], "\n".join(found)


# == the web app binds to loopback by default ========================================================
def test_ui_binds_to_loopback_by_default():
    pytest.importorskip("gradio")
    from studyrag.cli import make_parser
    from studyrag.ui.app import launch
    from studyrag.ui.cli import is_loopback

    args = make_parser().parse_args(["ui"])
    assert is_loopback(args.host) and args.host == "127.0.0.1"
    assert args.auth is None  # so the off-loopback check in run_ui is what decides

    class Recorder:  # stands where the Gradio Blocks would be, to see what launch() asks for
        def queue(self, **kw):
            self.queued = kw

        def launch(self, **kw):
            self.launched = kw

    demo = Recorder()
    launch(demo)
    kw = demo.launched
    assert kw["server_name"] == "127.0.0.1" and is_loopback(kw["server_name"])
    assert kw["share"] is False and kw["auth"] is None
    assert kw["show_error"] is False, "stack traces must not reach the browser"
    assert demo.queued["max_size"] > 0, "an unbounded queue"


# == no secrets in answers, feedback, reports or logs ================================================
@pytest.fixture(scope="module")
def none_tutor(index_settings):
    from studyrag.rag.engine import Tutor

    return Tutor(index_settings.with_overrides(backend="none"))


@pytest.fixture
def fake_aws(monkeypatch, tmp_path):
    fake_aws_env(monkeypatch, tmp_path, FAKE_KEY_ID, FAKE_SECRET)


@pytest.fixture
def unreachable_bedrock(none_tutor, fake_aws):
    """Bedrock with the fake keys, pointed at a loopback port nothing listens on (discard, 9)."""
    return variant(none_tutor, backend="bedrock", bedrock_endpoint_url="http://127.0.0.1:9",
                   max_retries=0, timeout_s=3)


def assert_no_secret(text: str, where: str) -> None:
    assert FAKE_SECRET not in text, f"the AWS secret key leaked into {where}"
    assert FAKE_KEY_ID not in text, f"the AWS access key id leaked into {where}"


def test_credentials_never_reach_answer_feedback_report_or_logs(unreachable_bedrock, tmp_path, caplog):
    from studyrag.eval import report
    from studyrag.eval.harness import Runner
    from studyrag.ui.feedback import FeedbackStore

    caplog.set_level(logging.DEBUG)
    tutor = unreachable_bedrock
    ans = tutor.ask(LABEL_Q)
    # The backend really failed, and said so in one sentence; the answer is still the guide's.
    assert ans.backend == "bedrock" and ans.fallback and ans.error and "\n" not in ans.error
    assert "unreachable" in ans.error
    assert ans.services == [GT] and ans.citations
    answer_json = json.dumps(ans.to_json(), ensure_ascii=False)
    assert_no_secret(answer_json, "the Answer JSON")

    # Feedback: the answer as saved, plus a user who pastes both values into question and comment.
    db = tmp_path / "fb" / "feedback.sqlite3"
    store = FeedbackStore(db)
    store.record(key="a", rating="down", answer=ans.to_json())
    pasted = dict(ans.to_json(), question=f"{LABEL_Q} (my keys: {FAKE_KEY_ID} {FAKE_SECRET})")
    store.record(key="b", rating="up", answer=pasted,
                 comment=f"aws_secret_access_key={FAKE_SECRET} and AWS_ACCESS_KEY_ID={FAKE_KEY_ID}")
    rows = store.rows()
    assert len(rows) == 2 and all("[REDACTED]" in rows[1][k] for k in ("question", "comment"))
    assert_no_secret(json.dumps(rows, ensure_ascii=False), "a feedback row")
    for f in db.parent.iterdir():  # the database, its WAL and shared-memory files, byte for byte
        raw = f.read_bytes()
        assert FAKE_SECRET.encode() not in raw and FAKE_KEY_ID.encode() not in raw, f"leaked into {f.name}"

    # Eval: the real runner and report over a one-item suite answered by the failing backend.
    item = {"id": "sec-1", "question": LABEL_Q, "services": [GT], "sections": []}
    runner = Runner(tutor.settings, {"tiny": [item]}, systems=["system"], models=["default"], modes=["open"],
                    progress=False, tutor_factory=lambda s, closed: tutor)
    rows = runner.run()
    assert rows[0].fallback and rows[0].error and rows[0].correct
    results = runner.results()
    md = report.markdown(results, rows, tutor.settings)
    assert GT in md and "PASS" in md
    assert_no_secret(md, "the eval report")
    assert_no_secret(json.dumps(results), "the eval JSON")

    # Logs: the project's own loggers at any level; everyone's at INFO and above. The secret
    # key itself appears nowhere, not even in third-party DEBUG output.
    assert caplog.records, "nothing was logged at all (is capture working?)"
    assert FAKE_SECRET not in caplog.text, "the AWS secret key reached a log record"
    ours = "\n".join(r.getMessage() for r in caplog.records
                     if r.name.startswith("studyrag") or r.levelno >= logging.INFO)
    assert_no_secret(ours, "the logs")


# == paths from outside cannot leave the data folder =================================================
@pytest.fixture
def data_dir(tmp_path) -> Path:
    d = tmp_path / "data"
    (d / "sub").mkdir(parents=True)
    (d / "guide.txt").write_text("A guide.\n\nAmazon SageMaker Ground Truth labels data.\n", encoding="utf-8")
    (d / "sub" / "more.md").write_text("# More\n\nSageMaker Canvas is no-code.\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside the data folder\n", encoding="utf-8")
    return d


def test_source_text_reads_only_guides_inside_the_data_folder(data_dir):
    assert "Ground Truth" in source_text(data_dir, "guide.txt")
    assert "Canvas" in source_text(data_dir, "sub/more.md")
    assert "Ground Truth" in source_text(data_dir, "sub/../guide.txt")  # stays inside: fine


@pytest.mark.parametrize("rel", [
    "../../etc/passwd", "../secret.txt", "/etc/passwd", "sub/../../secret.txt", "../x", "..", "",
    ".", "guide.txt/../../secret.txt", str(Path("/etc/hostname")),
])
def test_source_text_refuses_paths_that_leave_the_data_folder(data_dir, rel):
    with pytest.raises(SourceError) as e:
        source_text(data_dir, rel)
    assert "\n" not in str(e.value)


@pytest.mark.parametrize("rel", ["guide.txt\x00.md", "no-such-guide.txt", "sub", "missing/../../secret.txt"])
def test_source_text_odd_or_missing_paths_are_a_source_error(data_dir, rel):
    """Not a stack trace from the OS layer: the one error type callers handle, with a sentence."""
    with pytest.raises(SourceError) as e:
        source_text(data_dir, rel)
    assert "\n" not in str(e.value) and str(e.value)


def test_source_text_refuses_a_symlink_that_points_outside(data_dir):
    (data_dir / "link.txt").symlink_to(data_dir.parent / "secret.txt")
    with pytest.raises(SourceError):
        source_text(data_dir, "link.txt")


def test_a_symlinked_folder_pointing_outside_is_refused_at_ingest(data_dir, tmp_path):
    """A linked folder (not just a linked file) is refused too, naming the link."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stolen.txt").write_text("not part of the corpus\n", encoding="utf-8")
    (data_dir / "linked").symlink_to(outside, target_is_directory=True)
    with pytest.raises(SourceError, match="points outside") as e:
        load_sources(data_dir)
    assert "linked" in str(e.value) and "\n" not in str(e.value)


def test_a_symlink_inside_the_data_folder_is_fine(data_dir):
    (data_dir / "alias.txt").symlink_to(data_dir / "guide.txt")
    assert {p.name for p in find_sources(data_dir)} >= {"alias.txt", "guide.txt"}


def test_a_citation_outside_the_data_folder_is_refused_by_the_loaded_index(none_tutor):
    """The loaded index only answers for its own sources: a forged citation source fails."""
    k = none_tutor.knowledge
    assert k.text_of(GUIDE.name)
    for forged in ("../x", "../../etc/passwd", "/etc/passwd"):
        with pytest.raises((KeyError, SourceError)):
            k.text_of(forged)
        with pytest.raises(SourceError):
            source_text(k.settings.data_dir, forged)
