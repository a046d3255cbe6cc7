"""One real StudyRAG UI server per test session: the real index of the guide, extractive
answers (backend "none") by default, launched in a thread on a free loopback port."""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as r:
                if r.status == 200:
                    return
        except Exception as e:  # not up yet
            last = e
        time.sleep(0.5)
    raise TimeoutError(f"{url} did not answer within {timeout}s ({last})")


@pytest.fixture(scope="session")
def ui_server(index_settings, tmp_path_factory):
    pytest.importorskip("gradio")
    from studyrag.ui.app import UIService, build_app, launch

    settings = index_settings.with_overrides(backend="none")
    fb = tmp_path_factory.mktemp("feedback") / "feedback.sqlite3"
    service = UIService(settings, feedback_path=fb)
    demo = build_app(service)
    port = free_port()
    launch(demo, host="127.0.0.1", port=port, prevent_thread_lock=True, quiet=True, concurrency=4)
    url = f"http://127.0.0.1:{port}/"
    wait_http(url)
    yield SimpleNamespace(url=url, port=port, service=service, demo=demo, feedback_path=fb, settings=settings)
    demo.close()


@pytest.fixture
def no_aws_credentials(monkeypatch, tmp_path):
    """No AWS credentials anywhere the SDK looks (and no slow instance-metadata probe)."""
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_DEFAULT_PROFILE", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none-credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none-config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.skip(f"headless browser test needs {CHROMIUM} and chromedriver "
                    "(apt-get install -y chromium chromium-driver)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="studyrag-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                f"--user-data-dir={profile}", "--window-size=1400,1000", "--disable-dev-shm-usage"):
        opts.add_argument(arg)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    driver.set_page_load_timeout(120)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def studyrag_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYRAG_")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.update(extra)
    return env


def pytest_configure(config):
    # Gradio's queue calls pandas APIs that pandas 3 deprecates; not ours to fix.
    config.addinivalue_line("filterwarnings", "ignore:.*no_silent_downcasting.*")
    config.addinivalue_line("filterwarnings", "ignore:The copy keyword is deprecated")
