"""What built an index: embedder, dimension, chunking, source hashes. Checked on every load."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

FORMAT_VERSION = 2  # v2: the extracted text of every source is stored in the index
CHUNKER_VERSION = 12  # bump when chunking output changes, so old indexes are rebuilt


@dataclass(frozen=True)
class SourceInfo:
    path: str  # the source's name in the library (and in citations)
    sha256: str  # of the file's bytes
    bytes: int
    format: str = "text"
    pages: tuple[int, ...] = ()  # offset in the stored text where each page starts (PDF)
    chunks: int = 0
    added_at: str = ""


@dataclass
class Manifest:
    embedder: str
    embedder_model: str
    dim: int
    chunk_size: int
    sources: list[SourceInfo]
    chunk_count: int
    built_at: str
    store: str = "faiss"
    chunker_version: int = CHUNKER_VERSION
    format_version: int = FORMAT_VERSION
    files: dict[str, str] = field(default_factory=dict)  # file name -> sha256 (faiss store)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> "Manifest":
        d = json.loads(text)
        d["sources"] = [SourceInfo(**{**s, "pages": tuple(s.get("pages", ()))}) for s in d["sources"]]
        return cls(**d)

    def build_key(self) -> tuple:
        """What decides whether a rebuild is needed (not when or where it was built)."""
        return (
            self.embedder,
            self.embedder_model,
            self.chunk_size,
            self.chunker_version,
            self.format_version,
            tuple(sorted((s.path, s.sha256) for s in self.sources)),
        )

    def mismatch(self, embedder: str, dim: int | None = None) -> str | None:
        """Why this index cannot serve the configured embedder, or None."""
        if self.format_version != FORMAT_VERSION:
            return f"index format v{self.format_version}, this studyrag reads v{FORMAT_VERSION}"
        if self.embedder != embedder:
            return f"index was built with embedder {self.embedder!r} but {embedder!r} is configured"
        if dim is not None and self.dim != dim:
            return f"index vectors have dimension {self.dim}, embedder gives {dim}"
        return None
