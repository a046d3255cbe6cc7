"""What ingest writes and answering reads: the embedders (one registry), the stores (one
registry: FAISS folder, PostgreSQL/pgvector), the manifest that records what built an index,
and the data answering derives from a build. Both sides import this package; ingest never
imports rag."""
