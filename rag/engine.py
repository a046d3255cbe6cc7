"""The answering pipeline: question -> retrieval -> decision -> cited answer, streamed.

What the pipeline already knows (the service the guide points to, the picked option, the
passages) is streamed first; the LLM only words an explanation, sentence by sentence, and
each sentence is checked against the cited passages before it is shown. A draft that fails
is replaced by sentences quoted from the passages (``fallback``). Never an uncited claim.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict, dataclass, field
from typing import Iterator

import numpy as np

from studyrag.rag import mcq
from studyrag.rag.decide import clauses, decide
from studyrag.rag.knowledge import Knowledge, Sentence
from studyrag.rag.question import BadQuestion, Question, asking_part, parse
from studyrag.rag.signals import resolve_loose, scenario_text
from studyrag.rag.verify import MARKER_RE, check_sentence, split_sentences

REFUSAL = {
    "en": "The study material does not cover this, so I can't answer it from the guide.",
    "zh": "學習資料沒有涵蓋這個問題，因此無法根據指南回答。",
}
INJECTION_REFUSAL = {
    "en": "I can only answer questions about the study material, and I don't change my instructions.",
    "zh": "我只能回答與學習資料相關的問題，也不會更改我的指示。",
}
# Relevance floor. Off-topic and other-AWS questions share few rare words with the guide
# (low BM25) and sit far from every chunk (low cosine); in-scope ones rarely miss on both.
# Measured on this guide (README, "Refusal"): in-scope >= 0.68, out-of-scope <= 0.61.
RELEVANCE_FLOOR = 0.64
LEXICAL_WEIGHT = 0.06
# "Which service ...?" questions about other AWS services ("managed Kubernetes", "call
# recordings to text") share words with the guide and pass the floor, but no statement of
# the guide agrees with them: the decision's evidence is weak. For that kind the test is
# relevance + decision score (measured: in-scope scenarios and paraphrases >= 1.50, such
# other-service questions <= 1.38), with a lower relevance floor, because a translated
# question's wording costs it some cosine while its decision stays strong.
WHICH_FLOOR = 1.35
WHICH_RELEVANCE_FLOOR = 0.55
# A question whose situation is closer to another AWS service's task ("convert call
# recordings to text" = Transcribe) than to every statement and sentence of the guide is
# about that service (rag/outside.py). Measured on this guide (2026-12-01): other-AWS
# which-questions of other_aws and blind_a up to +0.51, all but 3 of 35 above 0.05;
# in-scope scenarios and paraphrases -0.73..-0.01, once the one description that came too
# close (Amplify's "host mobile apps", +0.12 for a mobile-app paraphrase) was made specific.
OUTSIDE_MARGIN = 0.05

SYSTEM_PROMPT = (
    "You are StudyRAG, a concise tutor for the AWS Certified AI Practitioner exam. "
    "Use only the numbered passages. Write at most two short sentences. "
    "Do not name any AWS service that the passages do not name. No lists, no headings."
)
ZH_NOTE = " Answer in Traditional Chinese (繁體中文)."
BUSY_NOTE = "busy: answered from the guide's text"


@dataclass
class Citation:
    id: int
    source: str
    section: str
    start: int
    end: int
    quote: str
    page: int | None = None  # page of the source where the quote starts (PDF), else None


@dataclass
class Answer:
    question: str
    answer: str = ""
    citations: list[Citation] = field(default_factory=list)
    refused: bool = False
    fallback: bool = False
    backend: str = ""
    model: str = ""
    timings: dict = field(default_factory=dict)
    kind: str = ""
    lang: str = "en"
    choice: list[str] | None = None
    services: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str | None = None  # a backend failure, said in one sentence (answer still given)
    busy: bool = False  # the model was busy with other questions: explanation skipped
    retrieved: list[dict] = field(default_factory=list)
    english: str | None = None

    def to_json(self) -> dict:
        d = asdict(self)
        if self.choice is None:
            d.pop("choice")
        return d


@dataclass
class Event:
    type: str  # "token" | "status" | "done"
    text: str = ""
    answer: Answer | None = None


class Tutor:
    """Loads the index and (lazily) the LLM once; answers many questions, thread-safe."""

    def __init__(self, settings, *, closed_book: bool | None = None, chat_model=None, preload: bool = False) -> None:
        """``preload``: load the LLM on a thread while the index loads (a one-question
        process, `studyrag ask`, then waits for neither in turn)."""
        from studyrag.rag.llms import get_backend

        self.settings = settings
        self.backend = None if settings.backend == "none" else get_backend(settings.backend)
        self._chat_model = chat_model
        self._llm_lock = threading.Lock()
        self._translator = None
        if preload and self.backend is not None and chat_model is None:
            threading.Thread(target=self._preload, name="studyrag-preload", daemon=True).start()
        self.knowledge = Knowledge(settings, closed_book=closed_book)

    def _preload(self) -> None:
        try:
            model = self.chat_model()
            if hasattr(model, "warm_up"):
                model.warm_up()  # the local model's child process starts and loads the GGUF
        except Exception:
            pass  # the answer path meets the same error and reports it

    # -- models ----------------------------------------------------------------------------
    @property
    def backend_name(self) -> str:
        return "none" if self.backend is None else self.backend.name

    @property
    def model_name(self) -> str:
        if self._chat_model is not None and self.backend is None:
            return getattr(self._chat_model, "model_name", type(self._chat_model).__name__)
        return "extractive" if self.backend is None else self.backend.describe(self.settings)

    def chat_model(self):
        if self._chat_model is None and self.backend is not None:
            with self._llm_lock:
                if self._chat_model is None:
                    self._chat_model = self.backend.factory(self.settings)
        return self._chat_model

    def writes_chinese(self) -> bool:
        if self.backend is None:
            return False
        if self.backend.name != "local":
            return True
        from studyrag.rag.llms.models import MODELS, DEFAULT_MODEL

        m = MODELS.get(self.settings.model or DEFAULT_MODEL)
        return bool(m and m.writes_chinese) and not self.settings.model_path

    def translate(self, text: str) -> str | None:
        if self._translator is None:
            from studyrag.rag.translate import Translator

            self._translator = Translator(self.settings)
        try:
            return self._translator.to_english(text)
        except Exception:
            return None  # no translator model: the original text still reaches BM25/dense

    # -- public API ------------------------------------------------------------------------
    def ask(self, question: str, options: dict | None = None, history: list | None = None) -> Answer:
        final = None
        for ev in self.stream(question, options, history):
            if ev.type == "done":
                final = ev.answer
        return final

    def stream(self, question: str, options: dict | None = None, history: list | None = None) -> Iterator[Event]:
        """Events: 'token' text to show as it comes, then one 'done' with the Answer.

        Raises BadQuestion for empty input (a clear message for the caller to show).
        """
        t0 = time.perf_counter()
        q = parse(question, options)
        ans = Answer(question=q.raw[:10_000],
                     backend=self.backend_name, model=self.model_name, lang=q.lang)
        if q.truncated:
            from studyrag.rag.question import MAX_CHARS

            ans.notes.append(f"question truncated to its first {MAX_CHARS} characters")
        shown = _Shown(t0)
        yield from self._run(q, ans, shown, history)
        ans.timings.setdefault("retrieve_ms", 0.0)
        ans.timings["first_token_ms"] = round(shown.first_ms if shown.first_ms is not None else 0.0, 1)
        ans.timings["total_ms"] = round((time.perf_counter() - t0) * 1000, 1)
        ans.timings.setdefault("generate_ms", 0.0)
        ans.answer = shown.text.strip()
        yield Event("done", answer=ans)

    # -- the pipeline ----------------------------------------------------------------------
    def _run(self, q: Question, ans: Answer, shown: "_Shown", history) -> Iterator[Event]:
        k = self.knowledge
        if q.injection:
            ans.refused, ans.kind = True, "refused"
            yield shown.emit(INJECTION_REFUSAL[_lang(q)])
            return
        if history:
            q.text = condense(q.text, history, k)
        if q.lang != "en":
            english = self.translate(q.text + ("\n" + "\n".join(f"{a}. {b}" for a, b in q.options.items()) if q.options else ""))
            if english:
                q.english, _ = _strip_options(english, q)
                ans.english = q.english
        t = time.perf_counter()
        query = q.search_text
        qvec = k.retriever.embed_query(query)
        hits = k.retriever.search(query, qvec=qvec, k=max(self.settings.top_k, 6))
        ans.timings["retrieve_ms"] = round((time.perf_counter() - t) * 1000, 1)
        ans.retrieved = [{"section": h.chunk.heading, "kind": h.chunk.kind, "dense": round(h.dense, 3),
                          "lexical": round(h.lexical, 2)} for h in hits[: self.settings.top_k]]
        situation = scenario_text(query)
        parts = clauses(situation)[:12]  # bounded work for very long questions
        vecs = k.embedder.embed_queries([situation] + parts)
        svec, clause_vecs = vecs[0], (vecs[1:] if parts else None)
        decision = decide(k, svec, hits, query=situation, clause_vecs=clause_vecs,
                          second_qvec=k.second_query(situation))
        named = [s for s in k.catalog.find(query) if not s.generic]
        named_in_options = [s for o in q.options.values() for s in k.catalog.find(o) if not s.generic]
        kind = q.kind(len(named), asked_about=any(not s.generic for s in k.catalog.find(asking_part(query))))
        if not _in_scope(hits, named + named_in_options, k.topics, decision if kind == "which" else None) or (
                kind in ("which", "explain", "fact") and not any(s.name in k.topics for s in named)
                and k.outside_margin(svec)[0] > OUTSIDE_MARGIN):
            ans.refused, ans.kind = True, "refused"
            yield shown.emit(REFUSAL[_lang(q)])
            return
        ans.kind = kind
        cites = _Citations(k)
        if ans.kind == "mcq":
            plan = self._plan_mcq(q, qvec, hits, decision, cites, ans)
        elif ans.kind == "compare":
            plan = self._plan_compare(q, qvec, named, cites, ans)
        elif ans.kind == "which" and decision is not None:
            plan = self._plan_which(q, svec, decision, cites, ans)
        elif ans.kind == "fact":
            plan = self._plan_fact(q, qvec, hits, cites, ans)
        else:
            plan = self._plan_explain(q, qvec, hits, cites, ans)
        lead, support, answer_services = plan
        yield shown.emit(lead)
        ans.citations = cites.list
        yield from self._explain(q, ans, shown, support, answer_services, cites)
        ans.citations = cites.list

    # Each plan returns (lead text with markers, support sentences for the LLM, answer services).
    def _plan_which(self, q, svec, decision, cites, ans):
        k = self.knowledge
        services = decision.services
        ans.services = list(services)
        first = cites.add_statement(decision.statement)
        support = [self._best_in_section(name, svec, exclude=decision.statement) for name in services]
        support = [s for s in support if s is not None]
        marks = [first] + [cites.add_sentence(s) for s in support]
        names = " + ".join(services)
        label = "答案：" if _lang(q) == "zh" else "Answer: "
        lead = f"{label}{names} [{marks[0]}]\n"
        body = [k.sentences.index(s) for s in support]
        return lead, body, services

    def _plan_explain(self, q, qvec, hits, cites, ans):
        k = self.knowledge
        faq = k.matching_faq(qvec)
        if faq is not None:  # the guide asks this question itself: quote its answer
            picked = [i for i, s in enumerate(k.sentences) if s.row == faq][:6]
        else:
            rows = [h.row for h in hits[:3]]
            picked = _top_sentences(k, qvec, rows, n=5)
        ans.services = []
        return _quoted(k, cites, picked), picked[:2], ()

    def _plan_fact(self, q, qvec, hits, cites, ans):
        """The sentences that hold the asked-for fact, list or number, quoted in source order."""
        k = self.knowledge
        if k.matching_faq(qvec) is not None:  # the material asks this itself: quote its answer
            return self._plan_explain(q, qvec, hits, cites, ans)
        rows = [h.row for h in hits[:4]]
        asking = asking_part(q.search_text)
        sub_questions = [p for p in re.split(r",?\s+and\s+(?=(?:which|what|how|who|when|where)\b)", asking, flags=re.I)
                         if p.strip()]
        part_vecs = k.embedder.embed_queries(sub_questions) if len(sub_questions) > 1 else None
        count = _asked_count(q.search_text)
        picked = fact_sentences(k, q, qvec, rows, n=count or 3, part_vecs=part_vecs,
                                listed=count is not None or bool(LIST_RE.search(asking)))
        ans.services = []
        return _quoted(k, cites, picked), picked[:2], ()

    def _plan_compare(self, q, qvec, named, cites, ans):
        k = self.knowledge
        sides = named[:4]
        ans.services = [s.name for s in sides]
        faq = k.matching_faq(qvec)
        lines = [("比較：" if _lang(q) == "zh" else "Comparison: ") + " vs ".join(s.name for s in sides)]
        support, used = [], set()
        for side in sides:
            ranked = _side_sentences(k, side, qvec, n=6, prefer_row=faq)
            # Prefer sentences not already shown for another side; a trap line that names
            # both sides may serve both when it is all the guide says about one of them.
            idx = ([i for i in ranked if i not in used] or ranked)[:3]
            used.update(idx)
            marks = " ".join(f"{k.sentences[i].text} [{cites.add_sentence(k.sentences[i])}]" for i in idx)
            lines.append(f"- **{side.name}**: {marks}" if marks else f"- **{side.name}**: (not described in the guide)")
            support.extend(idx[:1])
        return "\n".join(lines) + "\n", support, tuple(s.name for s in sides)

    def _plan_mcq(self, q, qvec, hits, decision, cites, ans):
        k = self.knowledge
        trusted = self.backend is not None and self.backend.trusted_to_decide
        scores = mcq.score_options(k, q, qvec, hits, decision)
        subject = mcq.negated_support(k, q, scores) if q.negated else True
        choice = mcq.pick(scores, q.choose, q.negated, subject)
        if trusted:
            choice = self._llm_choice(q, hits, scores) or choice
        ans.choice = choice
        by = {o.letter: o for o in scores}
        picked = [by[c] for c in choice]
        ans.services = [s for o in picked for s in o.services]
        zh = _lang(q) == "zh"
        parts, support = [], []
        for o in picked:
            sent = k.sentences[o.best_sentence] if o.best_sentence is not None else None
            mark = f" [{cites.add_sentence(sent)}]" if sent is not None else ""
            parts.append(f"{o.letter}. {o.text}{mark}")
            if o.best_sentence is not None:
                support.append(o.best_sentence)
        head = ("答案：" if zh else "Answer: ") + "; ".join(parts)
        lines = [head]
        for o in picked:
            if o.best_sentence is not None:
                s = k.sentences[o.best_sentence]
                lines.append(f"{'依據' if zh else 'Why'}: {s.text} [{cites.add_sentence(s)}]")
        rest = [o for o in sorted(scores, key=lambda o: o.score, reverse=not q.negated) if o.letter not in choice]
        if rest:
            lines.append(self._why_not(rest[0], q, cites, qvec))
        return "\n".join(lines) + "\n", support, tuple(ans.services)

    def _why_not(self, o, q, cites, qvec) -> str:
        k = self.knowledge
        zh = _lang(q) == "zh"
        label = f"{'為何不選' if zh else 'Why not'} {o.letter}"
        if o.services and not any(k.catalog.get(s) and k.catalog.get(s).in_guide for s in o.services):
            return f"{label}: {', '.join(o.services)} is not what the guide recommends for this scenario."
        if o.services:
            svc = k.catalog.get(o.services[0])
            idx = _side_sentences(k, svc, qvec, n=1) if svc else []
            if idx:
                s = k.sentences[idx[0]]
                return f"{label}: {s.text} [{cites.add_sentence(s)}]"
        return f"{label}: the guide's passages support it less than the chosen option."

    def _llm_choice(self, q, hits, scores) -> list[str] | None:
        """A strong backend may decide: it sees the passages and the options, answers letters."""
        from langchain_core.messages import HumanMessage, SystemMessage

        k = self.knowledge
        passages = "\n".join(f"- {h.chunk.text[:600]}" for h in hits[:4])
        opts = "\n".join(f"{o.letter}. {o.text}" for o in scores)
        prompt = (f"Passages:\n{passages}\n\nQuestion: {q.search_text}\n{opts}\n\n"
                  f"Reply with only the letter{'s' if q.choose > 1 else ''} of the correct option"
                  f"{'s' if q.choose > 1 else ''}.")
        try:
            reply = self.chat_model().invoke([SystemMessage(SYSTEM_PROMPT), HumanMessage(prompt)]).text
        except Exception:
            return None
        letters = sorted(set(re.findall(r"\b([A-E])\b", str(reply))) & set(q.options))
        return letters if len(letters) == q.choose else None

    def _best_in_section(self, service_name: str, svec, exclude=None) -> Sentence | None:
        """The sentence of the service's own section (or naming it) closest to the scenario."""
        k = self.knowledge
        svc = k.catalog.get(service_name)
        if svc is None:
            return None
        idx = [i for i, s in enumerate(k.sentences)
               if (k.section_service.get(s.row) is svc or service_name in s.services)
               and not (exclude is not None and s.start == exclude.start)]
        if not idx:
            return None
        sims = k.sentence_vecs[idx] @ svec
        return k.sentences[idx[int(np.argmax(sims))]]

    # -- the LLM's explanation, checked sentence by sentence ----------------------------------
    def _explain(self, q, ans, shown, support: list[int], answer_services, cites) -> Iterator[Event]:
        k = self.knowledge
        if not support:
            return
        model = None
        if self.backend is not None or self._chat_model is not None:
            try:
                model = self.chat_model()
            except Exception as e:
                ans.error = self._explain_error(e)
        passages_idx = list(dict.fromkeys(support))[:3]
        marks = {i: cites.add_sentence(k.sentences[i]) for i in passages_idx}
        passages = "\n".join(f"[{marks[i]}] {k.sentences[i].text}" for i in passages_idx)
        if model is None:
            # Extractive mode (no backend), or the backend could not start: quote the passages.
            ans.fallback = self.backend is not None
            text = " ".join(f"{k.sentences[i].text} [{marks[i]}]" for i in passages_idx[:2]
                            if k.sentences[i].text not in shown.text)
            if text:
                yield shown.emit("\n" + text)
            return
        from langchain_core.messages import HumanMessage, SystemMessage

        zh = _lang(q) == "zh" and self.writes_chinese()
        target = ", ".join(answer_services) if answer_services else "the question"
        user = (f"Passages:\n{passages}\n\nQuestion: {q.text}\n"
                + (f"Answer: {target}\nExplain briefly why, from the passages." if answer_services
                   else "Answer briefly from the passages.")
                + (ZH_NOTE if zh else ""))
        asked = "\n".join([q.text, q.english or "", *q.options.values()])
        written = _traditional if _lang(q) == "zh" else (lambda text: text)
        t = time.perf_counter()
        buf, accepted, failed = "", [], None
        default_mark = marks[passages_idx[0]]
        try:
            for chunk in model.stream([SystemMessage(SYSTEM_PROMPT), HumanMessage(user)]):
                buf += chunk.text  # .text also flattens Bedrock's list-of-blocks content
                done, buf = split_sentences(buf)
                for sent in done:
                    failed = self._accept(sent, passages, answer_services, accepted, asked)
                    if failed:
                        break
                    accepted.append(sent)
                    yield shown.emit(("" if len(accepted) > 1 else "\n") + _with_mark(written(sent), default_mark) + " ")
                if failed or len(accepted) >= 2:
                    break
            if not failed and buf.strip() and len(accepted) < 2:
                # Cut off at the token limit: an unfinished sentence is never shown.
                if re.search(r"[.!?。！？]\s*$", buf.strip()):
                    failed = self._accept(buf, passages, answer_services, accepted, asked)
                    if not failed:
                        accepted.append(buf.strip())
                        yield shown.emit(("" if len(accepted) > 1 else "\n") + _with_mark(written(buf.strip()), default_mark))
        except Exception as e:  # the backend failed or is busy: keep the cited answer, say why
            failed = failed or _interrupted(e, ans, self._explain_error)
        ans.timings["generate_ms"] = round((time.perf_counter() - t) * 1000, 1)
        if not accepted or ans.error or ans.busy:
            ans.fallback = True
            if not ans.error and not ans.busy:
                ans.notes.append(f"model draft rejected: {failed or 'empty'}")
            fallback = " ".join(f"{k.sentences[i].text} [{marks[i]}]" for i in passages_idx[:2]
                                if k.sentences[i].text not in shown.text)
            if fallback:
                yield shown.emit("\n" + fallback)
            if ans.busy:
                yield shown.emit("\n(" + BUSY_NOTE + ")")
        elif failed:
            ans.notes.append(f"model draft cut at a sentence that failed the check: {failed}")

    def _accept(self, sent: str, passages: str, answer_services, accepted, question: str = "") -> str | None:
        return check_sentence(sent, passages, tuple(answer_services), self.knowledge.catalog, accepted,
                              question=question,
                              forbidden=[SYSTEM_PROMPT])

    def _explain_error(self, e: BaseException) -> str:
        from studyrag.rag.llms.base import explain

        return explain(self.backend, e) if self.backend else str(e)


# -- helpers -------------------------------------------------------------------------------
class _Shown:
    """What the user has been shown so far, and when the first of it appeared."""

    def __init__(self, t0: float) -> None:
        self.t0, self.text, self.first_ms = t0, "", None

    def emit(self, text: str) -> Event:
        if self.first_ms is None and text.strip():
            self.first_ms = (time.perf_counter() - self.t0) * 1000
        self.text += text
        return Event("token", text)


class _Citations:
    """Numbered citations; the same span cited twice keeps one number."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.k = knowledge
        self.list: list[Citation] = []
        self._by_span: dict[tuple[str, int, int], int] = {}

    def add(self, row: int, start: int, end: int) -> int:
        c = self.k.chunks[row]
        key = (c.source, start, end)
        if key not in self._by_span:
            n = len(self.list) + 1
            quote = self.k.text_of(c.source)[start:end]
            self.list.append(Citation(n, c.source, c.heading, start, end, quote, self.k.page_of(c.source, start)))
            self._by_span[key] = n
        return self._by_span[key]

    def add_sentence(self, s: Sentence) -> int:
        return self.add(s.row, s.start, s.end)

    def add_statement(self, st) -> int:
        return self.add(self.k.row_of[st.chunk_id], st.start, st.end)


def _quoted(k: Knowledge, cites: "_Citations", picked: list[int]) -> str:
    """The picked sentences, quoted in source order, each with its citation marker."""
    order = sorted(picked, key=lambda i: (k.sentences[i].row, k.sentences[i].start))
    return " ".join(f"{k.sentences[i].text} [{cites.add_sentence(k.sentences[i])}]" for i in order) + "\n"


def _traditional(text: str) -> str:
    """A Chinese answer's model sentence in Traditional characters (its Simplified slips fixed)."""
    from studyrag.rag.chinese import to_traditional

    return to_traditional(text)


def _interrupted(e: BaseException, ans: Answer, explain) -> str:
    """Record why the model's explanation stopped: busy (a note) or a failure (an error)."""
    from studyrag.rag.llms.supervisor import WorkerBusy

    if isinstance(e, WorkerBusy):
        ans.busy = True
        ans.notes.append(BUSY_NOTE)
        return "busy"
    ans.error = explain(e)
    return "backend error"


def _with_mark(sentence: str, mark: int) -> str:
    s = MARKER_RE.sub("", sentence).strip()
    return f"{s} [{mark}]"


def _lang(q: Question) -> str:
    return "zh" if q.lang == "zh" else "en"


def _strip_options(english: str, q: Question) -> tuple[str, dict]:
    from studyrag.rag.question import split_options

    stem, _opts = split_options(english)
    return stem, _opts


def relevance(hits) -> float:
    if not hits:
        return 0.0
    return max(h.dense for h in hits) + LEXICAL_WEIGHT * max(h.lexical for h in hits)


def _in_scope(hits, named, topics, which_decision=None) -> bool:
    """Naming a service the guide teaches (its own section or a signal's target) is in scope;
    otherwise the question must be close enough to the guide's text, and a "which service"
    question must also agree with what the guide says of the service it would get."""
    if any(s.name in topics for s in named):
        return True
    rel = relevance(hits)
    if which_decision is not None:
        return rel >= WHICH_RELEVANCE_FLOOR and rel + which_decision.score >= WHICH_FLOOR
    return rel >= RELEVANCE_FLOOR


def _distinct_best(k: Knowledge, idx: list[int], sims, n: int) -> list[int]:
    """The n best-scored sentences of ``idx``, skipping near-duplicates (cosine >= 0.9)."""
    chosen: list[int] = []
    for j in np.argsort(-sims):
        v = k.sentence_vecs[idx[j]]
        if all(float(v @ k.sentence_vecs[c]) < 0.9 for c in chosen):
            chosen.append(idx[j])
        if len(chosen) == n:
            break
    return chosen


def _top_sentences(k: Knowledge, qvec, rows: list[int], n: int) -> list[int]:
    """The n sentences of these chunks closest to the question, skipping near-duplicates."""
    idx = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if not idx:
        return []
    sims = k.sentence_vecs[idx] @ qvec + np.array([0.05 if k.sentences[i].row == rows[0] else 0.0 for i in idx])
    return _distinct_best(k, idx, sims, n)


WORD_RE = re.compile(r"[a-z0-9][a-z0-9\-]+")
QUESTION_WORDS = {"how", "what", "which", "who", "when", "where", "why", "does", "do", "did", "can", "could",
                  "should", "would", "the", "and", "for", "with", "that", "this", "from", "into", "are", "is",
                  "was", "were", "its", "their", "they", "there", "list", "name", "kinds", "kind", "types",
                  "long", "many", "much", "often", "one", "two", "three", "four", "five", "six"}
NUMBER_RE = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)\b", re.I)
COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}


def _stem(w: str) -> str:
    return w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w


def _content_words(text: str) -> set[str]:
    """'How long can a request run?' -> {'request', 'run', 'can'} less question words."""
    return {_stem(w) for w in WORD_RE.findall(text.lower()) if len(w) > 2 and w not in QUESTION_WORDS}


def _asked_count(text: str) -> int | None:
    """'Which four kinds ...' -> 4 (how many items a list answer needs), else None."""
    m = re.search(r"\b(two|three|four|five|six|seven|eight|\d)\s+(?:\w+\s+){0,2}?(?:kinds|types|ways|steps|"
                  r"statuses|states|options|categories|levels|things|features|\w+s)\b", text, re.I)
    if not m:
        return None
    w = m.group(1).lower()
    return min(6, COUNTS.get(w) or int(w)) if (w in COUNTS or w.isdigit()) else None


# "what formats ...", "which statuses ...": a plural asked for (not "what does", "what is").
LIST_RE = re.compile(r"\b(?:what|which)\s+(?:(?!(?:does|is|was|has)\b)\w+\s+){0,2}(?!(?:does|has|was|this)\b)\w{3,}s\b", re.I)
BULLET_RE = re.compile(r"^\s*(?:[•\-*·▪–]|\d{1,2}[.)])\s+")


def fact_sentences(k: Knowledge, q: Question, qvec, rows: list[int], n: int,
                   part_vecs=None, listed: bool = False) -> list[int]:
    """The n sentences of these chunks most likely to hold the asked-for fact: close in
    meaning, sharing the question's own words, holding a figure when a number is asked.
    Each part of a two-part question ("how long ..., and which ...?", ``part_vecs``) gets
    its best sentence first; a list question (``listed``) whose best sentence is a bullet
    gets that bullet's list."""
    idx = [i for i, s in enumerate(k.sentences) if s.row in rows]
    if not idx:
        return []
    words = _content_words(q.search_text)
    rank = {r: j for j, r in enumerate(rows)}

    def bonus(i: int) -> float:
        s = k.sentences[i]
        shared = len(words & _content_words(s.text)) / max(1, len(words))
        b = 0.3 * shared - 0.02 * rank[s.row]
        if q.asks_number and NUMBER_RE.search(s.text):
            b += 0.1
        return b

    extra = np.array([bonus(i) for i in idx])
    sims = k.sentence_vecs[idx] @ qvec + extra
    top = [idx[j] for j in np.argsort(-sims)[:3]]
    best = next((i for i in top if BULLET_RE.match(k.sentences[i].text)), None) if listed else None
    if best is not None:
        run = _bullet_run(k, best)
        if len(run) >= 2:
            scored = {i: float(sims[idx.index(i)]) for i in run if i in idx}
            return sorted(scored, key=scored.get, reverse=True)[:max(n, 2)]
    first = []
    for pv in part_vecs if part_vecs is not None else []:
        j = int(np.argmax(k.sentence_vecs[idx] @ pv + extra))
        if idx[j] not in first:
            first.append(idx[j])
    rest = _distinct_best(k, idx, sims, n)
    return (first + [i for i in rest if i not in first])[:max(n, len(first))]


def _bullet_run(k: Knowledge, i: int) -> list[int]:
    """The bullet sentences next to sentence ``i`` in its chunk (its list)."""
    row = k.sentences[i].row
    same = [j for j in range(max(0, i - 12), min(len(k.sentences), i + 13)) if k.sentences[j].row == row]
    run = [i]
    for step in (-1, 1):
        j = i + step
        while j in same and BULLET_RE.match(k.sentences[j].text):
            run.append(j)
            j += step
    return sorted(run)


def _side_sentences(k: Knowledge, side, qvec, n: int, prefer_row: int | None = None) -> list[int]:
    """Sentences about one side of a comparison: its own section's and those naming it.

    Definitions ('Amazon SageMaker Canvas is the ...') and the guide's own answer to this
    question (a matching FAQ entry) come first."""
    own = {i for i, s in enumerate(k.sentences) if k.section_service.get(s.row) is side}
    pool = sorted(own | {i for i, s in enumerate(k.sentences) if side.name in s.services})
    if not pool:
        return []
    if qvec is None:
        return pool[:n]

    def bonus(i: int) -> float:
        s = k.sentences[i]
        b = 0.1 if i in own else 0.0
        b += 0.15 if s.services[:1] == (side.name,) and k.catalog.spans(s.text)[:1] and k.catalog.spans(s.text)[0][0] < 4 else 0.0
        b += 0.25 if prefer_row is not None and s.row == prefer_row else 0.0
        return b

    sims = k.sentence_vecs[pool] @ qvec + np.array([bonus(i) for i in pool])
    return [pool[j] for j in np.argsort(-sims)[:n]]


FOLLOWUP_RE = re.compile(r"^\s*(?:and|or|what about|how about|also|then|but)\b|\b(?:it|that|this|those|these|them|the one)\b|那|它|呢[?？]?\s*$", re.I)


def condense(question: str, history: list, k: Knowledge) -> str:
    """A follow-up ('and the asynchronous one?') made standalone from the last user turn.

    The previous question's service is swapped for the one the follow-up names; with no
    service named, the previous question is kept as context.
    """
    prev = next((h["content"] if isinstance(h, dict) else h[0] for h in reversed(history)
                 if (h.get("role") == "user" if isinstance(h, dict) else True)), None)
    if not prev or not FOLLOWUP_RE.search(question) or len(question.split()) > 14:
        return question
    from studyrag.rag.question import MAX_CHARS, clean

    prev = clean(str(prev))[:MAX_CHARS]  # history comes from the client: bound it too
    new = resolve_loose(question, k.catalog)
    old = [s for s in k.catalog.find(prev) if not s.generic]
    if new and old:
        out = prev
        for alias in sorted(old[0].aliases, key=len, reverse=True):
            out = re.sub(re.escape(alias), new[0].name, out, flags=re.I)
        if out != prev:
            return out
    return f"{prev} {question}"[:MAX_CHARS]


__all__ = ["Answer", "BadQuestion", "Citation", "Event", "Tutor"]
