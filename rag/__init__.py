"""Answering: hybrid retrieval over the index, pluggable LLM backends, verified citations."""
