"""The naive LangChain RAG the system is measured against.

RecursiveCharacterTextSplitter (1000/200) over the raw guide, FAISS over the same embedder,
top-4 chunks "stuffed" into one prompt for the same LLM. No structure, no verification.
In closed-book mode the text of the scenario/FAQ/summary chunks is blanked out first, so
both systems see the same material.
"""

from __future__ import annotations

import time

import numpy as np

from studyrag.rag.engine import Answer

PROMPT = (
    "Use the following pieces of context to answer the question at the end. "
    "If you don't know the answer, just say that you don't know.\n\n{context}\n\nQuestion: {question}\nHelpful Answer:"
)


class NaiveRAG:
    def __init__(self, knowledge, chat_model, model_name: str, backend: str) -> None:
        import faiss
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        self.k = knowledge
        self.llm = chat_model
        self.model_name, self.backend = model_name, backend
        splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)
        self.docs: list[str] = []
        for source, text in knowledge.sources.items():
            self.docs += splitter.split_text(_visible_text(knowledge, source, text))
        vecs = knowledge.embedder.embed_passages(self.docs)
        self.index = faiss.IndexFlatIP(vecs.shape[1])
        self.index.add(np.ascontiguousarray(vecs, dtype=np.float32))

    def ask(self, question: str, options: dict | None = None) -> Answer:
        from langchain_core.prompts import ChatPromptTemplate

        t0 = time.perf_counter()
        q = question + ("\n" + "\n".join(f"{k}. {v}" for k, v in options.items()) if options else "")
        qv = self.k.embedder.embed_queries([q])[0]
        _s, rows = self.index.search(qv.reshape(1, -1).astype(np.float32), 4)
        context = "\n\n".join(self.docs[r] for r in rows[0] if r >= 0)
        t1 = time.perf_counter()
        text = ""
        first = None
        error = None
        if self.llm is not None:
            prompt = ChatPromptTemplate.from_template(PROMPT).format_messages(context=context, question=q)
            try:
                for chunk in self.llm.stream(prompt):
                    if first is None:
                        first = time.perf_counter()
                    text += str(chunk.content)
            except Exception as e:  # the model stopped: this item is scored as given, the run goes on
                error = f"{type(e).__name__}: {str(e)[:200]}"
        else:
            text = context.split("\n\n")[0][:400]
        t2 = time.perf_counter()
        refused = "don't know" in text.lower() or "do not know" in text.lower()
        return Answer(
            question=question, answer=text.strip(), citations=[], refused=refused, backend=self.backend,
            model=self.model_name, kind="baseline",
            timings={"retrieve_ms": round((t1 - t0) * 1000, 1),
                     "first_token_ms": round(((first or t2) - t0) * 1000, 1),
                     "generate_ms": round((t2 - t1) * 1000, 1), "total_ms": round((t2 - t0) * 1000, 1)},
            retrieved=[], error=error,
        )


def _visible_text(knowledge, source: str, text: str) -> str:
    """The source with the chunks closed-book mode leaves out blanked (offsets kept)."""
    hidden = [c for c in knowledge.chunks if c.source == source and c.kind not in knowledge.allowed_kinds]
    if not hidden:
        return text
    chars = list(text)
    for c in hidden:
        for i in range(c.start, c.end):
            chars[i] = " " if chars[i] != "\n" else "\n"
    return "".join(chars)
