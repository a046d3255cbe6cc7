"""Helpers shared by the fault and security tests."""

from __future__ import annotations

import copy
import threading


def variant(tutor, **overrides):
    """Another Tutor on the same loaded index, with other settings (as UIService builds
    per-session tutors): a fresh backend, no chat model yet."""
    from studyrag.rag.llms import get_backend

    t = copy.copy(tutor)
    t.settings = tutor.settings.with_overrides(**overrides)
    t.backend = None if t.settings.backend == "none" else get_backend(t.settings.backend)
    t._chat_model = None
    t._llm_lock = threading.Lock()
    return t


def fake_aws_env(monkeypatch, tmp_path, key_id: str, secret: str) -> None:
    """Fake static credentials in the environment and nothing else the AWS SDK could use."""
    for var in ("AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_BEARER_TOKEN_BEDROCK",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        (tmp_path / name).write_text("")
        monkeypatch.setenv(name, str(tmp_path / name))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key_id)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
