"""`studyrag ui` refuses to bind beyond loopback without a login; flags are checked first."""

from __future__ import annotations

import subprocess
import sys

import pytest

from studyrag.ui.cli import is_loopback, parse_auth

from .conftest import studyrag_env


def run_ui(*args, **env):
    return subprocess.run([sys.executable, "-m", "studyrag.cli", "ui", *args], capture_output=True, text=True,
                          timeout=120, env=studyrag_env(**env))


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_binding_beyond_loopback_without_auth_exits_nonzero(host, tmp_path):
    r = run_ui("--host", host, "--port", "7999", "--source", str(tmp_path))
    assert r.returncode != 0
    assert "--auth" in r.stderr and "STUDYRAG_UI_AUTH" in r.stderr
    assert "Traceback" not in r.stderr


def test_malformed_auth_is_rejected(tmp_path):
    r = run_ui("--host", "0.0.0.0", "--source", str(tmp_path), STUDYRAG_UI_AUTH="no-colon")
    assert r.returncode != 0 and "USER:PASSWORD" in r.stderr


def test_auth_and_loopback_helpers():
    assert parse_auth("alice:s3:cret") == ("alice", "s3:cret")
    assert parse_auth(None) is None and parse_auth("  ") is None
    with pytest.raises(SystemExit):
        parse_auth(":pw")
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com"))


def test_ui_help_documents_the_flags():
    r = subprocess.run([sys.executable, "-m", "studyrag.cli", "ui", "--help"], capture_output=True, text=True,
                       timeout=60, env=studyrag_env())
    assert r.returncode == 0
    for flag in ("--host", "--port", "--auth", "--concurrency", "--max-queue", "--backend", "--top-k"):
        assert flag in r.stdout


@pytest.mark.slow
def test_ui_builds_the_index_on_first_run_and_requires_the_login(tmp_path):
    """The real command in a subprocess: no index yet -> built with progress, then served
    (extractive backend) behind --auth on loopback."""
    import shutil
    import time
    import urllib.request

    gradio_client = pytest.importorskip("gradio_client")
    from tests.conftest import GUIDE

    from .conftest import free_port, wait_http

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(GUIDE, data / GUIDE.name)
    port = free_port()
    log = tmp_path / "ui.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "studyrag.cli", "ui", "--port", str(port), "--backend", "none",
             "--source", str(data), "--concurrency", "2", "--max-queue", "8"],
            stdout=out, stderr=subprocess.STDOUT,
            env=studyrag_env(STUDYRAG_WORK_DIR=str(tmp_path / "work"), STUDYRAG_UI_AUTH="alice:s3cret"))
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and proc.poll() is None and "Running on" not in log.read_text():
            time.sleep(0.5)
        assert proc.poll() is None, log.read_text()
        wait_http(url, timeout=60)  # the login page
        text = log.read_text()
        assert "No index yet" in text and (tmp_path / "work" / "index").is_dir()
        assert "(login required)" in text
        with pytest.raises(Exception):  # no login: the API is closed
            urllib.request.urlopen(url + "gradio_api/info", timeout=10)
        client = gradio_client.Client(url, auth=("alice", "s3cret"), verbose=False, download_files=False,
                                      analytics_enabled=False)
        r = client.predict(question="Which service detects drift in a deployed model?", api_name="/ask")
        assert "Model Monitor" in r["answer"] and r["citations"]
        assert (tmp_path / "work" / "feedback.sqlite3").exists() is False  # created on first rating only
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
