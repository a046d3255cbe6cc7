"""A heading's plain plural ("Crawlers") that the text also uses as an ordinary word names a
kind, never an answer; but when a fuller name of the same thing takes its place ("Acme Glue
crawlers", under a product family the material writes as "Acme Glue …"), the thing is a
thing: it can be decided and named in an answer.

Invented product notes; the catalog is built by the real code from the text and headings."""

from __future__ import annotations

import dataclasses

from studyrag.rag.catalog import Catalog
from studyrag.rag.profile import Profile

TEXTS = [
    "Acme Glue is a serverless data service. Acme Glue crawlers walk each bucket and write a table for every file.",
    "A crawler never moves data. The crawler runs nightly; crawlers are cheap. Each crawler writes tables.",
    "Acme Glue ETL jobs convert files. Acme Glue Data Catalog holds the tables. Acme Glue crawlers infer the schema.",
    "Acme Glue Studio draws jobs. Acme Glue DataBrew cleans data. Acme Glue Streaming reads streams.",
    "Use Acme Glue crawlers when new files must be listed automatically.",
]
HEADINGS = ["Acme Glue — Crawlers, Data Catalog, and ETL Jobs", "Acme Glue crawlers", "Acme Glue Data Catalog",
            "Acme Glue Studio", "Acme Glue DataBrew"]


def _catalog(headings):
    profile = dataclasses.replace(Profile.empty(), name_prefixes=("Acme",))
    return Catalog.from_texts(TEXTS, headings, [], profile)


def test_a_fuller_name_keeps_the_thing_answerable():
    crawlers = _catalog(HEADINGS).get("crawler")
    assert crawlers is not None and crawlers.name == "Acme Glue crawlers" and not crawlers.generic


def test_a_plain_plural_heading_alone_still_names_a_kind():
    crawlers = _catalog(["Crawlers", "Acme Glue Data Catalog"]).get("Crawlers")
    assert crawlers is not None and crawlers.generic
