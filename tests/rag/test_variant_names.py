"""Names that open with a thing the material teaches ("Vaultly One Zone-IA", "Sharefile for
ONTAP") are things of their own and parts of it, also when a table row writes them once; a
name's closing acronym spelled out ("Standard-Infrequent Access") is the same thing; a
"clue | pick" table row maps a need to its thing; a table holds the fact it is asked for.

Invented notes (a storage vendor's products), ingested with the real embedder; extractive answers.
"""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on, lead

STORAGE_NOTES = """# Northwind Storage — Study Notes

## Vaultly

Vaultly is the object store of Northwind: buckets of objects, read and written over HTTPS.
Vaultly keeps every object in at least three zones unless a one-zone class is chosen, and a
bucket's objects can be listed, versioned and replicated to another region.

### Storage classes

| Class | Zones | Minimum days | Retrieval |
|---|---|---|---|
| Vaultly Standard | 3 | none | milliseconds |
| Vaultly Standard-IA | 3 | 30 | milliseconds |
| Vaultly One Zone-IA | 1 | 45 | milliseconds |
| Vaultly Auto-Tiering | 3 | none | milliseconds |

### Choosing a class

Vaultly Standard-Infrequent Access suits data read about once a month that must come back at
once; losing a whole zone loses nothing. One Zone-IA keeps a single copy in one zone and costs
a fifth less, so it suits data that can be re-created. Vaultly Auto-Tiering moves each object
between tiers by its own access pattern, with no retrieval fee: use it when nobody can
predict how often each object will be read. One Zone-IA is never the home of the only copy
of critical records.

## Sharefile

Sharefile is the managed file-system family of Northwind; each flavour runs a different file
system, and Sharefile bills by provisioned capacity.

- Sharefile for Lustre — a parallel file system for compute clusters, linked to a Vaultly bucket.
- Sharefile for ONTAP — a managed ONTAP file system for teams leaving an on-premises filer.

Sharefile chooser

Clue | Pick
Cluster scratch space, parallel reads of bucket data | Sharefile for Lustre
SnapMirror replication, NFS plus SMB plus iSCSI at the same time | Sharefile for ONTAP

## Practice

Scenario 1: A genomics team runs a weekend analysis on 500 nodes over input already in a bucket. Correct choice: Sharefile for Lustre, scratch deployment, linked to the bucket.
"""


@pytest.fixture(scope="module")
def storage(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("northwind"), "northwind-notes.md", STORAGE_NOTES)


def test_a_name_opening_with_a_thing_is_a_thing_and_a_part_of_it(storage):
    k = storage.knowledge
    assert [s.name for s in k.catalog.find("keep it in One Zone-IA")] == ["Vaultly One Zone-IA"]
    assert [s.name for s in k.catalog.find("Vaultly Standard-Infrequent Access")] == ["Vaultly Standard-IA"]
    assert k.parent_of.get("Vaultly One Zone-IA") == "Vaultly"
    assert k.parent_of.get("Sharefile for ONTAP") == "Sharefile"


def test_a_clue_and_pick_row_maps_the_need_to_its_thing(storage):
    ans = storage.ask("Our old filer replicates with SnapMirror and serves NFS, SMB and iSCSI all at "
                      "once. Which managed file system keeps all of that working?")
    assert "Sharefile for ONTAP" in lead(ans), ans.answer


def test_a_scenario_answer_keeps_a_name_with_for_in_it(storage):
    ans = storage.ask("A lab runs a 400-node simulation for three days over data sitting in a bucket. "
                      "Which file system should they use?")
    assert "Sharefile for Lustre" in lead(ans), ans.answer


def test_a_question_asking_for_a_things_option_gets_the_named_part(storage):
    ans = storage.ask("We can't predict how often each of our objects gets read, and nobody wants to "
                      "maintain rules. What Vaultly option should hold them?")
    assert "Vaultly Auto-Tiering" in lead(ans), ans.answer


def test_a_fact_in_a_table_is_quoted_with_its_header_row(storage):
    ans = storage.ask("What is the minimum number of days for the one-zone class, and how many zones does it use?")
    assert "| Class | Zones | Minimum days | Retrieval |" in ans.answer, ans.answer
    assert "45" in ans.answer
