"""Where studyrag keeps files it derives from installed packages (joined GGUFs, ONNX graphs).

``$STUDYRAG_CACHE_DIR``, else ``$XDG_CACHE_HOME/studyrag``, else ``~/.cache/studyrag``.
"""

from __future__ import annotations

import os
from pathlib import Path


def cache_root() -> Path:
    base = os.environ.get("STUDYRAG_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")), "studyrag"
    )
    return Path(base)
