"""studyrag: a cited RAG tutor over exam study material.

The user-facing folders are installed as sub-packages of this namespace:
``ingest/`` -> ``studyrag.ingest``, ``rag/`` -> ``studyrag.rag``, ``ui/`` -> ``studyrag.ui``,
``eval/`` -> ``studyrag.eval``. This package holds only what they share: settings and the CLI.
"""

__version__ = "0.1.0"
