"""Study tools built from whatever material is ingested: practice items with checked keys,
explanations, topics, progress with a spaced-repetition schedule, and flashcards.

Nothing here knows any particular guide: entities, sections, statements and definitions all
come from the index (``rag.knowledge.Knowledge``); eval/ is never read.
"""
