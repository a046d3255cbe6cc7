"""Gradio chat UI, practice mode and feedback."""
