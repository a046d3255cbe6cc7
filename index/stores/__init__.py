"""Vector stores behind one seam (``base.Store``), chosen by name: ``faiss`` or ``pgvector``."""

from .base import IndexLoadError, OpenIndex, Store, get_store, store_names

__all__ = ["IndexLoadError", "OpenIndex", "Store", "get_store", "store_names"]
