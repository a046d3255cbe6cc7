"""Plugins: modules that register backends, stores or embedders into studyrag's registries.

A plugin is any importable module that calls ``studyrag.rag.llms.register(BackendInfo(...))``,
``studyrag.index.stores.base.register(name, factory)`` or
``studyrag.index.embedders.register(name, factory)`` when imported. studyrag imports, before it
reads the command line (so ``--help``, settings and the web app's pickers know the names):

- every entry point of the group ``studyrag.plugins`` (``[project.entry-points."studyrag.plugins"]``
  in the plugin's pyproject.toml), and
- the modules named in ``STUDYRAG_PLUGINS`` (comma-separated), for a plugin that is not
  installed as a package.

A plugin that fails to import is reported in one line on stderr and skipped.
"""

from __future__ import annotations

import importlib
import os
import sys
from importlib.metadata import entry_points

GROUP = "studyrag.plugins"


def load_plugins() -> list[str]:
    """Import every plugin once; returns the names imported."""
    loaded = []
    named = [n.strip() for n in os.environ.get("STUDYRAG_PLUGINS", "").split(",") if n.strip()]
    for name, load in [(ep.name, ep.load) for ep in entry_points(group=GROUP)] + [
            (n, lambda n=n: importlib.import_module(n)) for n in named]:
        try:
            load()
            loaded.append(name)
        except Exception as e:  # one broken plugin must not take studyrag down
            print(f"studyrag: plugin {name} not loaded: {type(e).__name__}: {e}", file=sys.stderr)
    return loaded
