"""What a material as a whole is about: the one thing its title names, when its text keeps
naming it ("Hivekit" in "Hivekit — Club Log App Notes", named in half its passages).
Every question on such notes is asked within that subject, so it is the context of an
answer, never the thing a "which ...?" question asks for. A title naming several things
the text names about as often ("Kilns, Glazes and Clay Bodies") lists topics, no subject.

>>> from studyrag.rag.catalog import Catalog, Service
>>> cat = Catalog([Service("Kiln", "kiln", True, {"Kiln"}), Service("Glaze", "glaze", True, {"Glaze"})])
>>> passages = {"a.md": ["Load the Kiln.", "Kiln cone 6.", "Glaze thin.", "Glaze the Kiln."]}
>>> sorted(subjects({"a.md": "# Kiln Notes\\n\\n## Firing\\n\\nFire slowly."}, passages, cat))
['Kiln']
>>> sorted(subjects({"a.md": "# Kiln and Glaze Notes\\n\\n## Firing\\n\\nFire slowly."}, passages, cat))
[]
"""

from __future__ import annotations

from studyrag.ingest.chunker import sectionize, split_blocks


def subjects(sources: dict[str, str], passages: dict[str, list[str]], catalog) -> frozenset[str]:
    """Names of the thing each source's title names that at least a quarter of its passages
    name too, and twice as many as name any other thing of the title ("Hivekit" beside a
    "BKA" said once; not "Kilns" beside "Glazes" named about as often)."""
    out = set()
    for path, text in sources.items():
        title, _sections = sectionize(text, split_blocks(text))
        texts = [catalog.find(t) for t in passages.get(path, [])]
        counts = sorted(((sum(s in found for found in texts), s.name) for s in catalog.find(title) if not s.generic),
                        reverse=True)
        if counts and counts[0][0] * 4 >= len(texts) and (len(counts) == 1 or counts[0][0] >= 2 * counts[1][0]):
            out.add(counts[0][1])
    return frozenset(out)
