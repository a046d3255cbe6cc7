"""Notes written as tables and definition lines (a non-AWS subject): what they teach is found,
and multiple choice is judged by what the material says together with the question.

A small Markdown text on networking is ingested with the real embedder; answers are extractive
(choosing and deciding do not depend on the model)."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NET_NOTES = """# Networking Fundamentals — Notes

## 1. Common ports

| Protocol | Port | Transport | Purpose |
|---|---|---|---|
| SSH | 22 | TCP | Encrypted remote shell |
| DNS | 53 | UDP | Name resolution |
| NTP | 123 | UDP | Time synchronization |
| HTTPS | 443 | TCP | Web traffic over TLS |
| SNMP | 161 | UDP | Device monitoring |
| SMB | 445 | TCP | Windows file sharing |

## 2. Troubleshooting commands

| Command | OS | What it shows |
|---|---|---|
| ipconfig | Windows | IP, mask and gateway; `/release` and `/renew` get a new DHCP lease |
| traceroute | Linux-macOS | Every router hop on the path to a host |

## 3. Access control

- **802.1X** = port-based network access control. A switch port passes only authentication
  traffic until the device proves who it is to a RADIUS server.
- **Network address** — the all-zeros host value; it names the subnet, and hosts on the network share its prefix.
- Every network device has a MAC address, and every network has a broadcast address.

## 4. Spanning tree

Classic STP takes 30 to 50 seconds to converge after a link fails.
- **RSTP** converges in a few seconds — use RSTP when that classic delay is unacceptable.
"""


@pytest.fixture(scope="module")
def net_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("net"), "net-notes.md", NET_NOTES)


def test_table_first_cells_written_like_identifiers_are_things_taught(net_tutor):
    names = {s.name for s in net_tutor.knowledge.catalog.services if s.in_guide and not s.generic}
    assert {"ipconfig", "802.1X", "RSTP"} <= names


def test_a_definition_line_points_to_what_it_defines_not_to_a_loose_word(net_tutor):
    """'802.1X = port-based network access control': the statement is about 802.1X, not about
    'network address' (a word the text uses everywhere is no name of one thing)."""
    stmts = [st for st in net_tutor.knowledge.signals.statements if "port-based" in st.signal]
    assert stmts and all(st.targets == ("802.1X",) for st in stmts)
    ans = net_tutor.ask("Which standard should we use so a switch port passes no traffic until the device "
                        "authenticates to our RADIUS server?")
    assert not ans.refused and ans.services[:1] == ["802.1X"], ans.answer


def test_multiple_choice_uses_what_one_row_says_with_the_question(net_tutor):
    ans = net_tutor.ask("Which of these protocols normally run over UDP? (Choose TWO.)",
                        {"A": "NTP", "B": "SSH", "C": "SNMP", "D": "HTTPS", "E": "SMB"})
    assert ans.choice == ["A", "C"], ans.answer
    k = net_tutor.knowledge
    assert any("UDP" in c.quote for c in ans.citations)
    assert all(c.quote in k.text_of(c.source) for c in ans.citations)
