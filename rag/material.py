"""What the loaded material is called, and questions a user could ask about it (for the UI).

Everything comes from the material itself: its title is its first heading, and the example
questions use the things it teaches in sections of their own and its "X vs Y" headings.

>>> from types import SimpleNamespace as NS
>>> k = NS(chunks=[NS(source="n.md", section=("Networking Notes", "TCP vs UDP"))],
...        section_service={}, catalog=NS(services=[]))
>>> describe(k).title
'Networking Notes'
>>> describe(k).examples[0]
'What is the difference between TCP and UDP?'
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

VS_RE = re.compile(r"^(?:\d+(?:\.\d+)*\.?\s+)?(.{2,40}?)\s+(?:vs\.?|versus)\s+(.{2,40}?)(?:\s+[—–-]|$)", re.I)


@dataclass(frozen=True)
class Material:
    title: str
    examples: list[str] = field(default_factory=list)


def describe(knowledge, n: int = 5) -> Material:
    return Material(_title(knowledge), _examples(knowledge, n))


def _title(k) -> str:
    firsts: dict[str, str] = {}
    for c in k.chunks:
        if c.source not in firsts:
            h1 = _markdown_title(k, c.source)
            if h1 or c.section:
                firsts[c.source] = h1 or c.section[0]
    titles = list(dict.fromkeys(firsts.values()))
    if not titles:
        return "your study material"
    return titles[0] if len(titles) == 1 else f"{titles[0]} and {len(titles) - 1} more"


def _markdown_title(k, source: str) -> str | None:
    """A Markdown file's '# Title' line, when it opens the file."""
    text_of = getattr(k, "text_of", None)
    first = next((x for x in (text_of(source) if text_of else "").splitlines() if x.strip()), "")
    return first.lstrip("#").strip() if re.match(r"#\s", first) else None


def _examples(k, n: int) -> list[str]:
    out: list[str] = []
    for c in k.chunks:
        m = VS_RE.match(c.section[-1]) if c.section else None
        if m:
            out.append(f"What is the difference between {m.group(1).strip()} and {m.group(2).strip()}?")
            break
    taught = list(dict.fromkeys(s.name for s in k.section_service.values() if s is not None and not s.generic))
    taught += [s.name for s in k.catalog.services if getattr(s, "defined", False) and not s.generic
               and s.name not in taught]
    for name, form in zip(taught[:3], ("What is {} used for?", "When should I use {}?", "什麼時候應該使用 {}？")):
        out.append(form.format(name))
    return out[:n]
