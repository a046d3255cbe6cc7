"""A plugin registers a backend and a store from outside the package; the CLI (ingest, ask, its
--help) and the web app's handlers use both, with no edit anywhere else (studyrag/plugins.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap

from tests.conftest import GUIDE, REPO

PLUGIN = textwrap.dedent('''
    """A store that keeps an index as plain files (one .npy, JSON), and a backend that always
    writes the same sentence."""
    import json
    from pathlib import Path

    import numpy as np
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    from studyrag.index.chunk import Chunk
    from studyrag.index.manifest import Manifest
    from studyrag.index.stores.base import IndexLoadError, register
    from studyrag.rag.llms import BackendInfo, register as register_backend


    class NpyIndex:
        def __init__(self, folder):
            self.manifest = Manifest.from_json((folder / "manifest.json").read_text())
            self.chunks = [Chunk.from_json(c) for c in json.loads((folder / "chunks.json").read_text())]
            self.texts = json.loads((folder / "texts.json").read_text())
            self._vectors = np.load(folder / "vectors.npy", allow_pickle=False)

        def search(self, qvec, k, exclude_kinds=frozenset()):
            sims = self._vectors @ qvec
            rows = [int(r) for r in np.argsort(-sims) if self.chunks[r].kind not in exclude_kinds][:k]
            return [(r, float(sims[r])) for r in rows]

        def vectors(self, rows):
            return self._vectors[rows]


    class NpyStore:
        name = "npy-plugin"

        def __init__(self, settings):
            self.folder = Path(settings.work_dir) / "npy-index"

        def describe(self):
            return f"npy files at {self.folder}"

        def read_manifest(self):
            try:
                return Manifest.from_json((self.folder / "manifest.json").read_text())
            except OSError:
                return None

        def write(self, manifest, chunks, vectors, texts=None):
            self.folder.mkdir(parents=True, exist_ok=True)
            manifest.store = self.name
            np.save(self.folder / "vectors.npy", vectors, allow_pickle=False)
            (self.folder / "chunks.json").write_text(json.dumps([c.to_json() for c in chunks]))
            (self.folder / "texts.json").write_text(json.dumps(texts or {}))
            (self.folder / "manifest.json").write_text(manifest.to_json())

        def open(self):
            if not (self.folder / "manifest.json").is_file():
                raise IndexLoadError(f"no index at {self.folder}; run `studyrag ingest` first")
            return NpyIndex(self.folder)


    register("npy-plugin", NpyStore)
    register_backend(BackendInfo("echo-plugin", lambda s: FakeListChatModel(
        responses=["Amazon SageMaker Canvas is the no-code UI for business analysts who do not write code."] * 50),
        lambda s: "echo"))
''')
QUESTION = "A business analyst with no Python wants churn predictions from a CSV. Which service?"


def _env(tmp_path) -> dict:
    (tmp_path / "myplugin.py").write_text(PLUGIN, encoding="utf-8")
    return {**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{os.environ.get('PYTHONPATH', '')}",
            "STUDYRAG_PLUGINS": "myplugin", "STUDYRAG_WORK_DIR": str(tmp_path / "work"),
            "STUDYRAG_STORE": "npy-plugin", "STUDYRAG_BACKEND": "echo-plugin"}


def _studyrag(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "studyrag", *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=600)


def test_a_plugin_backend_and_store_work_from_the_cli_and_the_web_app(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    shutil.copy(GUIDE, tmp_path / "data" / GUIDE.name)
    env = _env(tmp_path)

    assert "npy-plugin" in _studyrag(env, "ask", "--help").stdout  # the store registry's names
    ingest = _studyrag(env, "ingest", "--source", str(tmp_path / "data"), "--quiet")
    assert ingest.returncode == 0, ingest.stderr[-1500:]
    assert (tmp_path / "work" / "npy-index" / "vectors.npy").is_file()
    ask = _studyrag(env, "ask", "--json", "--source", str(tmp_path / "data"), QUESTION)
    assert ask.returncode == 0, ask.stderr[-1500:]
    cli_answer = json.loads(ask.stdout)
    assert cli_answer["backend"] == "echo-plugin" and cli_answer["services"] == ["Amazon SageMaker Canvas"]
    assert "do not write code" in cli_answer["answer"]  # the plugin backend's sentence, verified and shown

    monkeypatch.syspath_prepend(str(tmp_path))
    import myplugin  # noqa: F401  (registers, as the CLI's plugin loading does)
    from studyrag.settings import Settings
    from studyrag.ui.service import UIService

    settings = Settings(data_dir=tmp_path / "data", work_dir=tmp_path / "work", store="npy-plugin",
                        backend="echo-plugin")
    service = UIService(settings, feedback_path=tmp_path / "feedback.sqlite")
    assert service.default_cfg["backend"] == "echo-plugin"
    web_answer = service.ask(QUESTION)
    assert web_answer["services"] == cli_answer["services"] and "do not write code" in web_answer["answer"]
