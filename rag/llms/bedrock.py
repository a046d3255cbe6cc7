"""``bedrock``: Amazon Bedrock through langchain-aws ``ChatBedrockConverse`` (Converse API).

Model id, region and profile come from settings (``STUDYRAG_BEDROCK_MODEL_ID``,
``STUDYRAG_AWS_REGION``/``AWS_REGION``, ``STUDYRAG_AWS_PROFILE``/``AWS_PROFILE``);
credentials from the usual AWS chain. ``bedrock_endpoint_url`` points it elsewhere
(a VPC endpoint, or the loopback wire server the tests use).
"""

from __future__ import annotations

import os

from .base import BackendInfo, register

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings


def make_bedrock(settings: Settings):
    try:
        from botocore.config import Config
        from langchain_aws import ChatBedrockConverse
    except ImportError as e:
        from .base import BackendError

        raise BackendError(f"backend 'bedrock' needs an optional package ({e.name}); "
                           "install: pip install 'studyrag[bedrock]'") from None

    region = settings.aws_region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    config = Config(
        retries={"max_attempts": settings.max_retries, "mode": "standard"},
        connect_timeout=min(10.0, settings.timeout_s),
        read_timeout=settings.timeout_s,
    )
    kwargs = dict(
        model=settings.model or settings.bedrock_model_id,
        region_name=region,
        temperature=settings.temperature,
        max_tokens=max(settings.max_tokens, 256),
        config=config,
    )
    if settings.aws_profile:
        kwargs["credentials_profile_name"] = settings.aws_profile
    if settings.bedrock_endpoint_url:
        kwargs["endpoint_url"] = settings.bedrock_endpoint_url
    try:
        return ChatBedrockConverse(**kwargs)
    except Exception as e:
        raise _as_backend_error(e) from None


def _as_backend_error(e: Exception):
    from .base import BackendError

    return BackendError(explain_bedrock(e) or f"Bedrock client setup failed: {e}")


def explain_bedrock(e: BaseException) -> str | None:
    name = type(e).__name__
    text = str(e)
    code = ""
    response = getattr(e, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code", "")
        code = code[:1].upper() + code[1:]  # in-stream errors arrive as "throttlingException"
    if name in ("NoCredentialsError", "PartialCredentialsError") or "Unable to locate credentials" in text \
            or "could not be found" in text and "profile" in text.lower():
        return ("Bedrock credentials are missing: set AWS_PROFILE (or STUDYRAG_AWS_PROFILE) or "
                "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or use --backend local.")
    if code == "AccessDeniedException" or "AccessDenied" in text:
        return ("Bedrock denied access to the model: enable model access for it in the Bedrock console "
                "for this region, and allow bedrock:InvokeModel* in your IAM policy.")
    if code == "ThrottlingException" or "Throttling" in text or "Too many" in text:
        return "Bedrock is throttling requests (retried with backoff); wait a minute or request a higher quota."
    if code in ("ResourceNotFoundException", "ValidationException") and "model" in text.lower():
        return "Bedrock does not know this model id in this region; check --model / STUDYRAG_BEDROCK_MODEL_ID."
    if code == "ModelStreamErrorException":
        return "Bedrock's answer stream broke off mid-answer (ModelStreamErrorException); try again shortly."
    if "Timeout" in name or "timed out" in text.lower():
        return "Bedrock did not answer in time; check the network or raise STUDYRAG_TIMEOUT_S."
    if code.endswith("ServerException") or code in ("ServiceUnavailableException", "ModelNotReadyException"):
        return f"Bedrock had a server error ({code}) after retries; try again shortly."
    if "EndpointConnectionError" in name or "Could not connect" in text:
        return "Bedrock endpoint is unreachable; check the network, region or endpoint URL."
    return None


register(BackendInfo("bedrock", make_bedrock, lambda s: s.model or s.bedrock_model_id,
                     trusted_to_decide=True, explain=explain_bedrock))
