"""Optional knowledge about a vendor or field that the material itself does not hold.

A profile is a YAML file (``rag/profiles/*.yaml`` ships with studyrag; a user may pass
their own path). With no profile the engine works on any material from its own structure;
a profile only adds what cannot be read from it: product-name prefixes ("Amazon", "AWS"),
names that are too generic to be an answer, and what *other* products are for, so that a
question about one of them is recognised as out of scope.

``settings.profile``: "auto" (the shipped profile whose ``detect`` terms the material uses
often enough), "none", a shipped profile's name, or a path to a YAML file.

>>> Profile.empty().name_prefixes
()
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

PROFILES_DIR = Path(__file__).parent / "profiles"


class ProfileError(ValueError):
    """A profile file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Profile:
    name: str
    name_prefixes: tuple[str, ...] = ()
    generic_names: frozenset[str] = frozenset()
    generic_single: frozenset[str] = frozenset()
    common_words: frozenset[str] = frozenset()
    known_names: tuple[str, ...] = ()
    outside: dict[str, tuple[str, ...]] = field(default_factory=dict)
    detect_terms: tuple[str, ...] = ()
    detect_min: int = 0

    @classmethod
    def empty(cls) -> "Profile":
        return cls("none")

    @classmethod
    def from_file(cls, path: Path) -> "Profile":
        import yaml

        try:
            raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as e:
            raise ProfileError(f"profile {path} is unreadable: {e}") from None
        if not isinstance(raw, dict):
            raise ProfileError(f"profile {path} must be a YAML mapping")
        detect = raw.get("detect") or {}
        return cls(
            name=str(raw.get("name") or Path(path).stem),
            name_prefixes=tuple(raw.get("name_prefixes") or ()),
            generic_names=frozenset(x.lower() for x in raw.get("generic_names") or ()),
            generic_single=frozenset(x.lower() for x in raw.get("generic_single") or ()),
            common_words=frozenset(x.lower() for x in raw.get("common_words") or ()),
            known_names=tuple(raw.get("known_names") or ()),
            outside={str(k): tuple(v) for k, v in (raw.get("outside") or {}).items()},
            detect_terms=tuple(detect.get("terms") or ()),
            detect_min=int(detect.get("min_count") or 0),
        )

    def matches(self, texts: list[str]) -> bool:
        """The material uses this profile's terms often enough (whole words, case kept)."""
        if not self.detect_terms:
            return False
        pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, self.detect_terms)) + r")\b")
        return sum(len(pattern.findall(t)) for t in texts) >= self.detect_min


def shipped() -> list[Path]:
    return sorted(PROFILES_DIR.glob("*.yaml"))


def choose(setting: str, texts: list[str]) -> Profile:
    """The profile for this material: see the module docstring for ``setting``."""
    if setting == "none":
        return Profile.empty()
    if setting == "auto":
        for path in shipped():
            profile = Profile.from_file(path)
            if profile.matches(texts):
                return profile
        return Profile.empty()
    path = PROFILES_DIR / f"{setting}.yaml"
    if not path.is_file():
        path = Path(setting)
    if not path.is_file():
        names = ", ".join(p.stem for p in shipped())
        raise ProfileError(f"no profile '{setting}': use auto, none, {names} or a path to a YAML file")
    return Profile.from_file(path)
