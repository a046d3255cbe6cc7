"""A heading's plain plural ("Crawlers") that the text also uses as an ordinary word names a
kind, never an answer; but when a fuller name of the same thing takes its place ("Acme Pipes
crawlers", under a product family the material writes as "Acme Pipes …"), the thing is a
thing: it can be decided and named in an answer.

Invented product notes; the catalog is built by the real code from the text and headings."""

from __future__ import annotations

import dataclasses

from studyrag.rag.catalog import Catalog
from studyrag.rag.profile import Profile

TEXTS = [
    "Acme Pipes is a serverless data service. Acme Pipes crawlers walk each bucket and write a table for every file.",
    "A crawler never moves data. The crawler runs nightly; crawlers are cheap. Each crawler writes tables.",
    "Acme Pipes ETL jobs convert files. Acme Pipes Data Catalog holds the tables. Acme Pipes crawlers infer the schema.",
    "Acme Pipes Studio draws jobs. Acme Pipes DataBrew cleans data. Acme Pipes Streaming reads streams.",
    "Use Acme Pipes crawlers when new files must be listed automatically.",
]
HEADINGS = ["Acme Pipes — Crawlers, Data Catalog, and ETL Jobs", "Acme Pipes crawlers", "Acme Pipes Data Catalog",
            "Acme Pipes Studio", "Acme Pipes DataBrew"]


def _catalog(headings):
    profile = dataclasses.replace(Profile.empty(), name_prefixes=("Acme",))
    return Catalog.from_texts(TEXTS, headings, [], profile)


def test_a_fuller_name_keeps_the_thing_answerable():
    crawlers = _catalog(HEADINGS).get("crawler")
    assert crawlers is not None and crawlers.name == "Acme Pipes crawlers" and not crawlers.generic


def test_a_plain_plural_heading_alone_still_names_a_kind():
    crawlers = _catalog(["Crawlers", "Acme Pipes Data Catalog"]).get("Crawlers")
    assert crawlers is not None and crawlers.generic
