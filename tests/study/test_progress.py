"""Progress per user and topic: saved across restarts, shared in PostgreSQL, and a schedule
that brings back the topic answered wrong."""

from __future__ import annotations

import random
import subprocess
import sys
import threading
from collections import Counter

from studyrag.study.progress import PostgresProgress, SqliteProgress, open_progress
from studyrag.study.schedule import pick_next
from studyrag.study.session import Session


def test_progress_survives_a_restart(tmp_path, bank):
    path = tmp_path / "progress.sqlite3"
    session = Session(bank, SqliteProgress(path), "ana", random.Random(1))
    item = session.next()
    session.answer(item, item.key)
    wrong = next(L for L in item.options if L != item.key)
    session.answer(item, wrong)
    # A new process opens the same file: the counts are there.
    code = ("import sys; from studyrag.study.progress import SqliteProgress\n"
            "r = [x for x in SqliteProgress(sys.argv[1]).rows('ana') if x.topic == sys.argv[2]][0]\n"
            "print(r.right, r.wrong, r.box)")
    out = subprocess.run([sys.executable, "-c", code, str(path), item.topic], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["1", "1", "1"]  # a wrong answer sends the topic back to box 1
    assert SqliteProgress(path).rows("bob") == []  # per user


def test_right_answers_climb_the_leitner_boxes(tmp_path):
    store = SqliteProgress(tmp_path / "p.sqlite3")
    boxes = [store.record("ana", "Joins", True).box for _ in range(6)]
    assert boxes == [2, 3, 4, 5, 5, 5]
    assert store.record("ana", "Joins", False).box == 1


def test_the_schedule_favours_the_topic_answered_wrong(tmp_path, bank):
    store = SqliteProgress(tmp_path / "p.sqlite3")
    topics = bank.topics()
    weak = topics[1]
    now = 1_000_000.0
    for t in topics:  # every topic seen just now; all right but one
        store.record("ana", t, t != weak, when=now)
    rng = random.Random(7)
    drawn = Counter(pick_next(bank, store.rows("ana"), rng, now=now + 30).topic for _ in range(600))
    fair = 600 / len(topics)
    assert drawn[weak] > 1.4 * fair, (drawn[weak], fair)
    assert drawn[weak] == max(drawn.values())
    # Long unseen comes back too: a topic answered right a day ago outweighs one answered right now.
    store.record("ana", topics[2], True, when=now - 86400)
    later = Counter(pick_next(bank, store.rows("ana"), rng, now=now + 30).topic for _ in range(600))
    assert later[topics[2]] > later[topics[3]]


def test_topic_filter(bank, tmp_path):
    store = SqliteProgress(tmp_path / "p.sqlite3")
    t = bank.topics()[0]
    assert all(pick_next(bank, [], random.Random(i), topic=t).topic == t for i in range(20))


def test_progress_in_postgresql_is_shared_by_workers(pg_target, tmp_path):
    settings = pg_target.settings(tmp_path)
    first = open_progress(settings)
    assert isinstance(first, PostgresProgress)
    first.record("ana", "Indexes", False)

    def worker():  # several web-app workers, each with its own store object
        store = open_progress(settings)
        for _ in range(10):
            store.record("ana", "Indexes", True)

    threads = [threading.Thread(target=worker) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    row = open_progress(settings).rows("ana")[0]  # a restart: a new store object
    assert (row.topic, row.right, row.wrong, row.box) == ("Indexes", 30, 1, 5)


def test_a_session_does_not_ask_the_same_thing_twice_in_a_row_of_questions(bank, tmp_path):
    """A reviewer found mirror items (the same key from two statements of the same advice)
    close together; within the recent window, a session moves on to something else."""
    from studyrag.study.session import RECENT

    topic = max(bank.topics(), key=lambda t: len({(i.kind, i.key_text) for i in bank.in_topic(t)}))
    distinct = len({(i.kind, i.key_text) for i in bank.in_topic(topic)})
    assert distinct >= 3, "the guide's bank should have a topic with three different keys"
    session = Session(bank, SqliteProgress(tmp_path / "p.sqlite3"), "ana", random.Random(3), topic=topic)
    asked = [session.next() for _ in range(min(distinct, RECENT))]
    assert len({(i.kind, i.key_text) for i in asked}) == len(asked)
    assert len({i.cited.text for i in asked}) == len(asked)
