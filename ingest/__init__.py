"""Ingestion: read guides, chunk them along their own structure, embed, write a safe index."""
