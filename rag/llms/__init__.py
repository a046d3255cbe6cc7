"""LLM backends: each is a LangChain chat model, found by name in a registry.

``local`` (llama.cpp GGUF, default), ``bedrock`` (Amazon Bedrock Converse via langchain-aws)
and ``openai`` (any OpenAI-compatible server) register through the same call a plugin would.
"""

from .base import BackendError, BackendInfo, available, choices, get_backend, register

__all__ = ["BackendError", "BackendInfo", "available", "choices", "get_backend", "register"]
