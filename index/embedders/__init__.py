"""Embedders behind one small interface, found by name in a registry.

Built-ins register themselves exactly like a third-party embedder would: one file each,
imported lazily so that heavy libraries (torch) load only when that embedder is used.
"""

from .base import Embedder, available, get_embedder, register

__all__ = ["Embedder", "available", "get_embedder", "register"]
