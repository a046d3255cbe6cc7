"""One typed settings object, built once in the CLI entry point and passed down.

Precedence, highest first: command-line flags > ``STUDYRAG_*`` environment variables >
a ``.env`` file in the working directory > the defaults below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict



def _registered(kind: str, value: str) -> str:
    """``value`` must be a name of its registry (the only list of names; plugins included)."""
    if kind == "backend":
        from studyrag.rag.llms.base import choices
    else:
        from studyrag.index.stores.base import store_names as choices
    names = choices()
    if value not in names:
        raise ValueError(f"unknown {kind} {value!r}; choose one of: {', '.join(names)}")
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="STUDYRAG_", env_file=".env", extra="ignore", validate_assignment=True
    )

    # Corpus and index
    data_dir: Path = Field(Path("data"), description="Folder of .txt/.md guides to ingest.")
    work_dir: Path = Field(Path(".studyrag"), description="Working directory (git-ignored).")
    index_dir: Path | None = Field(None, description="Index folder; default WORK_DIR/index.")
    embedder: str = Field("minilm", description="Embedder name from the registry.")
    chunk_size: int = Field(900, ge=200, le=4000, description="Max characters per chunk.")
    store: str = Field("faiss", description="Vector store: a name from the store registry (faiss, pgvector).")
    pg_url: str | None = Field(None, description="PostgreSQL URL for --store pgvector.")
    pg_schema: str = Field("studyrag", description="PostgreSQL schema for --store pgvector.")
    # halfvec where the server's pgvector build cannot compute float vector distances
    pg_vector_type: Literal["vector", "halfvec"] = "vector"

    material_profile: str = Field(
        "auto", description="Profile of knowledge beyond the material: auto, none, a shipped name or a YAML path."
    )

    # Retrieval
    top_k: int = Field(4, ge=1, le=20)
    sources: list[str] | None = Field(
        None, description="Answer only from these sources of the library (names as `sources list` shows them)."
    )
    closed_book: bool = Field(False, description="Leave out scenario/faq/summary chunks.")
    decision_embedder: str = Field(
        "e5", description="Second embedder blended into the which-service decision ('none': off)."
    )

    # Generation
    backend: str = Field("local", description="LLM backend: a name from the backend registry, or none.")
    model: str | None = Field(None, description="Model name (registry name for local).")
    model_path: Path | None = Field(None, description="Any GGUF file for the local backend.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(96, ge=8, le=4096)
    timeout_s: float = Field(60.0, gt=0)
    max_retries: int = Field(3, ge=0, le=10)
    # The local model runs in a child process that is restarted after a crash or a hang.
    local_worker: bool = Field(True, description="Run llama.cpp in a supervised child process.")
    local_timeout_s: float = Field(
        30.0, gt=0, description="Seconds without a token before the local model is replaced."
    )
    local_max_waiting: int = Field(
        0, ge=0, description="Questions that may wait for a busy local model; more get the cited text at once."
    )
    local_nice: int = Field(
        10, ge=0, le=19, description="Niceness of the local model's process: under load it yields the CPU to retrieval."
    )
    local_repack: Literal["auto", "on", "off"] = Field(
        "auto", description="ggml weight repacking ('auto': off on AMX CPUs)."
    )
    translate_model: str = Field(
        "qwen2.5-coder-0.5b-q4", description="Local model that translates practice items into Chinese (quiz --lang zh)."
    )

    # Bedrock
    bedrock_model_id: str = "anthropic.claude-3-haiku-20240307-v1:0"
    aws_region: str | None = None
    aws_profile: str | None = None
    bedrock_endpoint_url: str | None = None

    # OpenAI-compatible (Ollama, vLLM, llama.cpp server)
    openai_base_url: str = "http://127.0.0.1:11434/v1"
    openai_api_key: str | None = None

    @property
    def resolved_index_dir(self) -> Path:
        return self.index_dir or (self.work_dir / "index")

    @field_validator("backend")
    @classmethod
    def _known_backend(cls, v: str) -> str:
        return _registered("backend", v)

    @field_validator("store")
    @classmethod
    def _known_store(cls, v: str) -> str:
        return _registered("store", v)

    def with_overrides(self, **flags) -> "Settings":
        """Apply CLI flags that were actually given (None means 'not given')."""
        given = {k: v for k, v in flags.items() if v is not None}
        if not given:
            return self
        # Rebuild rather than model_copy(update=...) so the flags are validated too.
        return type(self)(**{**self.model_dump(), **given})
