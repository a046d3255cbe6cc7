"""The backend seam: a name -> a factory that builds a LangChain ``BaseChatModel``.

Any LangChain chat model a user already has plugs in through ``register``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Callable


class BackendError(RuntimeError):
    """A backend failed in a way the user can fix; the message is one clear sentence."""


@dataclass(frozen=True)
class BackendInfo:
    name: str
    factory: Callable  # (settings) -> langchain_core BaseChatModel
    describe: Callable  # (settings) -> str, e.g. the model id
    # Small local models word answers; strong ones may also decide multiple-choice picks.
    trusted_to_decide: bool = False
    # Turns a backend exception into one sentence the user can act on (None: not ours).
    explain: Callable[[BaseException], str | None] = lambda e: None
    # Whether the model it builds for these settings writes good Traditional Chinese.
    writes_chinese: Callable = lambda settings: True


_REGISTRY: dict[str, BackendInfo] = {}
_BUILTINS = {"local": ".local", "bedrock": ".bedrock", "openai": ".openai_compat"}


def register(info: BackendInfo) -> None:
    _REGISTRY[info.name] = info


def explain(info: BackendInfo, exc: BaseException) -> str:
    """One clear sentence for any backend failure; never a stack trace, never a secret."""
    if isinstance(exc, BackendError):
        return str(exc)
    said = info.explain(exc)
    if said:
        return said
    return f"the {info.name} backend failed: {type(exc).__name__}: {str(exc)[:200]}"


def available() -> list[str]:
    """Every backend name: the built-ins and whatever registered (plugins). With "none"
    (extractive answers, no model) these are the only names settings, CLI and UI accept."""
    return sorted(set(_REGISTRY) | set(_BUILTINS))


def choices() -> list[str]:
    return [*available(), "none"]


def get_backend(name: str) -> BackendInfo:
    if name not in _REGISTRY and name in _BUILTINS:
        try:
            importlib.import_module(_BUILTINS[name], __package__)
        except ImportError as e:
            extra = {"bedrock": "bedrock", "openai": "openai"}.get(name, "all")
            raise BackendError(
                f"backend {name!r} needs an optional package ({e.name}); install: pip install 'studyrag[{extra}]'"
            ) from None
    if name not in _REGISTRY:
        raise BackendError(f"unknown backend {name!r}; choose one of: {', '.join(available())}")
    return _REGISTRY[name]
