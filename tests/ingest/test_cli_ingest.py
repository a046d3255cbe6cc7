"""`studyrag ingest` from the command line: bad input is refused with one clear line on
stderr naming the file, and nothing is written at the index path."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from studyrag.cli import main
from tests.conftest import REPO

from ._guides import TINY_GUIDE

STUDYRAG = REPO / ".venv" / "bin" / "studyrag"


pytestmark = pytest.mark.usefixtures("isolated_cli")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ingest_args(data: Path, index: Path, *extra: str) -> list[str]:
    return ["ingest", "--source", str(data), "--index-dir", str(index), "--quiet", *extra]


def nothing_written(index: Path) -> bool:
    return not index.exists() and not index.is_symlink() and not (index.parent / f".{index.name}-builds").exists()


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("studyrag ingest: error: "), err
    assert "Traceback" not in err
    return lines[0]


def write_bad(data: Path, case: str) -> Path:
    data.mkdir(parents=True, exist_ok=True)
    if case == "empty":
        p = data / "empty.txt"
        p.write_bytes(b"")
    elif case == "blank":
        p = data / "blank.md"
        p.write_bytes(b"  \n\n\t\n")
    elif case == "binary":
        p = data / "image.txt"
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    elif case == "big5":
        p = data / "guide-big5.txt"
        p.write_bytes("亞馬遜 SageMaker 學習指南：訓練、部署與監控。\n".encode("big5") * 20)
    elif case == "noise-only":
        p = data / "noise.txt"
        p.write_text("Source ↗\n\n官方資料來源\n\nexamhub .cc\n", encoding="utf-8")
    else:
        raise AssertionError(case)
    return p


BAD_FILES = {
    "empty": "is empty",
    "blank": "is empty",
    "binary": "binary",
    "big5": "not valid UTF-8",
    "noise-only": "no text studyrag can use",
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_refused_and_nothing_written(capsys, tmp_path, case):
    data, index = tmp_path / "data", tmp_path / "work" / "index"
    bad = write_bad(data, case)
    code, out, err = run(capsys, *ingest_args(data, index))
    assert code != 0
    line = one_error_line(err)
    assert str(bad) in line and BAD_FILES[case] in line
    assert out == ""
    assert nothing_written(index)


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_leaves_previous_index_unchanged(capsys, tmp_path, case):
    data, index = tmp_path / "data", tmp_path / "work" / "index"
    data.mkdir()
    (data / "good.txt").write_text(TINY_GUIDE, encoding="utf-8")
    code, _, _ = run(capsys, *ingest_args(data, index))
    assert code == 0
    builds = index.parent / f".{index.name}-builds"
    before = (os.readlink(index), sorted(os.listdir(builds)), (index / "manifest.json").read_bytes())

    bad = write_bad(data, case)
    code, _, err = run(capsys, *ingest_args(data, index, "--rebuild"))
    assert code != 0 and str(bad) in one_error_line(err)
    assert (os.readlink(index), sorted(os.listdir(builds)), (index / "manifest.json").read_bytes()) == before


def test_two_bad_files_are_both_named_on_one_line(capsys, tmp_path):
    data, index = tmp_path / "data", tmp_path / "idx"
    a, b = write_bad(data, "empty"), write_bad(data, "big5")
    code, _, err = run(capsys, *ingest_args(data, index))
    line = one_error_line(err)
    assert code != 0 and str(a) in line and str(b) in line
    assert nothing_written(index)


def test_no_guides_in_folder(capsys, tmp_path):
    data, index = tmp_path / "data", tmp_path / "idx"
    data.mkdir()
    (data / "notes.odt").write_bytes(b"PK\x03\x04")  # a format studyrag does not read
    code, _, err = run(capsys, *ingest_args(data, index))
    line = one_error_line(err)
    assert code != 0 and str(data) in line and ".txt" in line
    assert nothing_written(index)


def test_missing_folder(capsys, tmp_path):
    data, index = tmp_path / "nowhere", tmp_path / "idx"
    code, _, err = run(capsys, *ingest_args(data, index))
    line = one_error_line(err)
    assert code != 0 and str(data) in line and "does not exist" in line
    assert nothing_written(index)


def test_source_is_a_file(capsys, tmp_path):
    data, index = tmp_path / "guide.txt", tmp_path / "idx"
    data.write_text(TINY_GUIDE, encoding="utf-8")
    code, _, err = run(capsys, *ingest_args(data, index))
    line = one_error_line(err)
    assert code != 0 and str(data) in line and "not a folder" in line
    assert nothing_written(index)


def test_symlink_out_of_the_folder(capsys, tmp_path):
    data, index = tmp_path / "data", tmp_path / "idx"
    data.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text(TINY_GUIDE, encoding="utf-8")
    (data / "link.txt").symlink_to(outside)
    code, _, err = run(capsys, *ingest_args(data, index))
    line = one_error_line(err)
    assert code != 0 and str(data / "link.txt") in line and "outside" in line
    assert nothing_written(index)


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading")
def test_unreadable_folder(capsys, tmp_path):
    data, index = tmp_path / "data", tmp_path / "idx"
    (data / "inner").mkdir(parents=True)
    (data / "inner" / "g.txt").write_text(TINY_GUIDE, encoding="utf-8")
    (data / "inner").chmod(0)
    try:
        code, _, err = run(capsys, *ingest_args(data, index))
    finally:
        (data / "inner").chmod(0o755)
    line = one_error_line(err)
    assert code != 0 and "inner" in line and "permission denied" in line
    assert nothing_written(index)


def test_unknown_embedder(capsys, tmp_path):
    data, index = tmp_path / "data", tmp_path / "idx"
    data.mkdir()
    (data / "g.txt").write_text(TINY_GUIDE, encoding="utf-8")
    code, _, err = run(capsys, *ingest_args(data, index, "--embedder", "nosuch"))
    line = one_error_line(err)
    assert code != 0
    assert re.fullmatch(r"studyrag ingest: error: unknown embedder 'nosuch'; choose one of: (.+, )?e5, (.+, )?minilm(, .+)?", line), line
    assert nothing_written(index)


def test_success_summary_then_up_to_date(capsys, tmp_path):
    from studyrag.ingest.chunker import chunk_text

    data, index = tmp_path / "data", tmp_path / "idx"
    data.mkdir()
    (data / "g.txt").write_text(TINY_GUIDE, encoding="utf-8")
    code, out, err = run(capsys, *ingest_args(data, index))
    assert code == 0, err
    (line,) = out.strip().splitlines()
    m = re.fullmatch(r"Indexed (\d+) file\(s\): (\d+) sections, (\d+) chunks in (\d+\.\d) s -> (.+) \(minilm, dim 384\)", line)
    assert m, line
    chunks = chunk_text(TINY_GUIDE, "g.txt")
    assert (int(m[1]), int(m[2]), int(m[3])) == (1, len({c.section for c in chunks}), len(chunks))
    assert 0 <= float(m[4]) < 120 and m[5] == f"faiss at {index}"

    code, out, _ = run(capsys, *ingest_args(data, index))
    assert code == 0
    assert re.fullmatch(r"Index is up to date: 1 file\(s\), 3 chunks; sources unchanged, no embedding done "
                        r"\(\d+\.\d s\)\. Use --rebuild to force\.", out.strip()), out


# -- help and the installed entry point ---------------------------------------------------


@pytest.mark.parametrize("argv", [["--help"], ["ingest", "--help"], ["bench", "--help"], ["bench", "ingest", "--help"]])
def test_help_has_examples(capsys, argv):
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "example" in out.lower()
    assert out.startswith("usage: studyrag")


def test_installed_command(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDYRAG_")}
    env["HF_HUB_OFFLINE"] = "1"
    r = subprocess.run([str(STUDYRAG), "--help"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert r.returncode == 0 and "examples:" in r.stdout and "ingest" in r.stdout

    missing = tmp_path / "no-such-folder"
    r = subprocess.run([str(STUDYRAG), "ingest", "--source", str(missing), "--index-dir", str(tmp_path / "idx")],
                       capture_output=True, text=True, env=env, cwd=tmp_path, timeout=60)
    assert r.returncode == 2
    assert r.stdout == ""
    assert str(missing) in one_error_line(r.stderr)
    assert nothing_written(tmp_path / "idx")


def test_bench_ingest_refuses_bad_input_before_spawning(capsys, tmp_path):
    data = tmp_path / "data"
    bad = write_bad(data, "binary")
    code, out, err = run(capsys, "bench", "ingest", "--source", str(data), "--runs", "1")
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert line.startswith("studyrag bench ingest: error: ") and str(bad) in line


def test_bench_result_table_and_json():
    from studyrag.bench.runs import BenchResult, Metric

    r = BenchResult("ingest", {"files": 1}, [Metric("cold_s", "cold (s)", [3.0, 1.0, 2.0]),
                                              Metric("index_bytes", "size (bytes)", [10, 30, 20], "{:,.0f}")])
    j = r.to_json()
    assert j["median"] == {"cold_s": 2.0, "index_bytes": 20}
    assert j["runs"][1] == {"cold_s": 1.0, "index_bytes": 30}
    lines = r.table().splitlines()
    assert lines[1].split() == ["metric", "median", "run", "1", "run", "2", "run", "3"]
    assert lines[2].split() == ["cold", "(s)", "2.00", "3.00", "1.00", "2.00"]
