"""Benchmarks that print figures (`studyrag bench ...`): ingest per format, answer latency,
the web app under load, retrieval at scale. Scoring answers lives in eval/, not here."""
