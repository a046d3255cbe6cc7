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
from dataclasses import asdict, dataclass, field, replace
from typing import Iterator

from studyrag.rag import alternatives, plans
from studyrag.rag.decide import (BACKDROP_SHARE, KIND_RATIO, beside_named, decide_question, kind_known, not_named,
                                  of_kind, part_of_kind, shifted, to_part, to_person, without)
from studyrag.rag.evidence import names_a_list
from studyrag.rag.followup import ANOTHER_OF_KIND_RE, standalone
from studyrag.rag.gloss import english_of, gloss
from studyrag.rag.citations import Citation, Citations, literal, with_mark
from studyrag.rag.catalog import is_figure
from studyrag.rag.knowledge import Knowledge
from studyrag.rag.person import asks_person, decided_person, named_by_word, named_in
from studyrag.rag.scope import relevance
from studyrag.rag.remedies import to_remedy
from studyrag.rag.question import (COMPARE_RE, DIFFER_RE, BadQuestion, Question, as_asked, asked_kind, asking_part,
                                   asks_for_part, asks_for_piece_of, parse)
from studyrag.rag.sides import compare_sides, described_sides, owned
from studyrag.rag.unknown import material_names, unknown_names
from studyrag.rag.verify import ENDS_RE, check_sentence, content_words, split_sentences

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

REFUSAL = {
    "en": "The study material does not cover this, so I can't answer it from the guide.",
    "zh": "學習資料沒有涵蓋這個問題，因此無法根據指南回答。",
}
INJECTION_REFUSAL = {
    "en": "I can only answer questions about the study material, and I don't change my instructions.",
    "zh": "我只能回答與學習資料相關的問題，也不會更改我的指示。",
}
SYSTEM_PROMPT = (
    "You are StudyRAG, a concise tutor for the user's study material. "
    "Use only the numbered passages. Write at most two short sentences. "
    "Do not name any product or term that the passages do not name. No lists, no headings."
)
ZH_NOTE = " Answer in Traditional Chinese (繁體中文)."
# The model is asked for two sentences; one that fails the check is left out and the next one
# read, up to this many, so one unsupported clause does not throw away a supported explanation.
MAX_SENTENCES_READ = 3
BUSY_NOTE = "busy: answered from the guide's text"
# Shown when the model's draft failed the check against the sources and quotes replace it.
REPLACED_NOTE = {"en": "the model's wording did not match the sources; quoted instead",
                 "zh": "模型的說明與來源不符，改為引用原文"}


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
    english: str | None = None  # a non-English question read word by word in English (rag/gloss)

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

    def __init__(self, settings: Settings, *, closed_book: bool | None = None, chat_model=None, preload: bool = False) -> None:
        """``preload``: load the LLM on a thread while the index loads (a one-question
        process, `studyrag ask`, then waits for neither in turn)."""
        from studyrag.rag.llms import get_backend

        self.settings = settings
        self.backend = None if settings.backend == "none" else get_backend(settings.backend)
        self._chat_model = chat_model
        self._llm_lock = threading.Lock()
        if preload and self.backend is not None and chat_model is None:
            threading.Thread(target=self._preload, name="studyrag-preload", daemon=True).start()
        # The dictionary that reads Chinese questions loads in ~0.5 s: not on a question's time.
        threading.Thread(target=gloss, args=("中文",), name="studyrag-dictionary", daemon=True).start()
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
        return self.backend is not None and self.backend.writes_chinese(self.settings)

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
    # Over 60 lines: the pipeline's stages in order, each a call; the order is the point of reading it in one place.
    def _run(self, q: Question, ans: Answer, shown: "_Shown", history, lead_only: bool = False) -> Iterator[Event]:
        """``lead_only``: the caller wants only the lead of an earlier turn, read on its own."""
        k = self.knowledge
        if q.injection:
            ans.refused, ans.kind = True, "refused"
            yield shown.emit(INJECTION_REFUSAL[_lang(q)])
            return
        exclude: tuple[str, ...] = ()
        carried = None  # a topic the conversation adds: it helps retrieval, it does not make a question in scope
        change = None  # a follow-up's own words, when they change the last question's situation
        context = None  # the last question's words, when a follow-up leans on them (retrieval only)
        if history and not lead_only:
            history = self._with_last_answer(history)
            follow = standalone(q.text, history, k.catalog)
            q.text, exclude, change, context = follow.text, follow.exclude, follow.change, follow.context
            carried = follow.referent if follow.carried else None
        if q.lang != "en":
            # Read word by word with a dictionary, in a millisecond: the lead does not wait for
            # a model's translation, and no term is lost to a small model's English. The stem
            # alone: options are read where they are judged (mcq.score_options).
            q.english = ans.english = gloss(q.text)
        t = time.perf_counter()
        query = q.search_text
        qvec, hits = self._search(query, context)
        ans.timings["retrieve_ms"] = round((time.perf_counter() - t) * 1000, 1)
        ans.retrieved = [{"section": h.chunk.heading, "kind": h.chunk.kind, "dense": round(h.dense, 3),
                          "lexical": round(h.lexical, 2)} for h in hits[: self.settings.top_k]]
        situation, svec, decision = decide_question(k, query, hits, q.text if q.english else None)
        if change is not None and decision is not None and q.lang == "en":
            decision = shifted(decision, decide_question(k, change, hits)[2])
        owners = owned(k.catalog, query)  # "the kiln's damper setting" asks about the damper
        named = [s for s in k.catalog.find(query) if not s.generic and s.name != carried and s.name not in owners]
        named_in_options = [s for o in q.options.values() for s in k.catalog.find(o) if not s.generic]
        kind = q.kind(len(named), asked_about=any(not s.generic for s in k.catalog.find(asking_part(query))))
        if change is not None and exclude and kind in ("fact", "explain") and ANOTHER_OF_KIND_RE.match(change):
            kind = "which"  # "and the one that stops on V instead?" asks for a thing like the last answer
        # "Who compared bus conductors with drivers?" asks for a person, not a comparison.
        who = asks_person(asking_part(query)) or q.lang != "en" and asks_person(q.text)
        if who and kind == "compare":
            kind = "fact"
        if kind in ("which", "fact", "explain", "compare") and not who:
            # A comparison that names a third thing in passing ("with an HMS already running, how
            # do the Langstroth and the Top-bar hive differ?") compares the two its words set side by side.
            sides = compare_sides(k.catalog, k.sentence_texts, query)
            if not sides and COMPARE_RE.search(query):
                # "How do the service that transcribes calls and the one that reads text aloud
                # differ?": each side is described; its words decide what it is.
                sides = described_sides(k, query)
            # "RPO vs RTO?", "Incremental or differential backups — which restores faster?": a
            # question framed as two sides is answered with both, also when the material has
            # no name for a side (its words find it); a fact question only when it asks how they differ.
            if sides and (kind != "fact" or COMPARE_RE.search(query) or re.search(r"\bdiffer", query, re.I)):
                kind, named = "compare", sides
        if kind in ("fact", "explain") and names_a_list(k, query) and \
                relevance(hits) >= k.calibration.which_relevance_floor:
            pass  # "What access modes …?" names a list the material heads: in scope
        elif (history or q.options) and relevance(hits) >= k.calibration.conversation_floor:
            # "then which part acts as our conscience?" after a question on the id, "Can they
            # bill me for that?": a short question in a conversation the material covers, or
            # a stem whose options were written for it; near enough to the material, it is
            # not held to the bar of a scenario asked out of the blue.
            pass
        elif kind in ("fact", "explain") and not unknown_names(q.text, k.vocabulary) and \
                material_names(english_of(q.text), k.passage_texts, k.people.common, BACKDROP_SHARE):
            pass  # "how tall was the beauvais choir vault?" asks of a name only the material uses
        elif not _in_scope(hits, named + named_in_options, k.topics, k.calibration,
                           decision if kind == "which" else None) or \
                _nearer_elsewhere(k, kind, named, svec, relevance(hits), decision):
            ans.refused, ans.kind = True, "refused"
            yield shown.emit(REFUSAL[_lang(q)])
            return
        if kind in ("fact", "explain") and unknown_names(q.text, k.vocabulary):
            # "How do I link my card to the Skyline Monorail?": asked about a name the
            # material never uses, however near the rest of the question comes to it.
            ans.refused, ans.kind = True, "refused"
            yield shown.emit(REFUSAL[_lang(q)])
            return
        contrast = None
        if kind in ("which", "fact", "explain") and DIFFER_RE.search(asking_part(query)) and k.matching_faq(qvec) is None:
            # "What separates the two lock modes?": the sides go unnamed; the comparison the
            # material draws itself that is closest to the question answers it. Only the asking
            # sentence counts ("the scores look different from … Which capability …?" asks for a
            # thing), and the material's own answer to the question (its FAQ) comes first.
            contrast = k.closest_contrast(qvec)
            kind = "compare" if contrast is not None else kind
        ans.kind = kind
        cites = Citations(k)
        if contrast is not None:
            plan = plans.contrast(k, q, qvec, contrast, cites)
        elif ans.kind == "mcq":
            trusted = self.backend is not None and self.backend.trusted_to_decide
            plan = plans.choice(k, q, qvec, hits, decision, cites, self._llm_choice if trusted else None)
        elif ans.kind == "compare":
            plan = plans.compare(k, q, qvec, named, cites)
        elif ans.kind == "which" and decision is not None:
            plan = _which_plan(k, q, (qvec, svec), hits, situation, decision, exclude, named, cites)
        elif ans.kind == "fact":
            # "Who mapped the deaths?": the sentences that hold the fact, which name the person.
            trial = Citations(k)  # kept only if the person plan stands
            plan = plans.who(k, q, qvec, hits, trial, decision) if who else None
            if plan is not None:
                cites = trial
            elif who and decided_person(decision, query, k.people, k.catalog):
                # "Who vaulted the dome?" over passages that name nobody: the person the
                # evidence decided, with the statement that says what they did.
                plan = plans.which(k, q, svec, decision, cites)
            else:
                # "What temperature is right for that step?" after a question on the fridge
                # step: its sentences are weighed with the last question's words too.
                plan = plans.fact(k, q, _leaning(qvec, k.retriever.embed_query(context)) if context else qvec, hits, cites)
        else:
            plan = plans.explain(k, q, qvec, hits, cites)
        if who and ans.kind == "which" and decision is not None and not k.people.is_person(plan.services[0] if plan.services else ""):
            # "Which architect designed the colonnade?" decided "Baroque": a person the evidence
            # ranks near it answers, unless the question names them.
            named_here = named_in(query, k.people, k.catalog)
            person = to_person(decision, lambda n: k.people.is_person(n) and n not in named_here)
            if person.services != decision.services:
                cites = Citations(k)
                plan = plans.which(k, q, svec, person, cites)
        if who and ans.kind == "which" and _not_a_person(k, plan.services, decision, query):
            # "Which leader knelt in Warsaw?" decided a policy: the sentences that hold the fact
            # name the person; when they name nobody, as decided.
            trial = Citations(k)
            person_plan = plans.who(k, q, qvec, hits, trial, decision)
            if person_plan is not None:
                plan, cites, ans.kind = person_plan, trial, "fact"
        ans.services, ans.choice = list(plan.services), plan.choice
        yield shown.emit(plan.lead)
        ans.citations = cites.list
        yield from self._explain(q, ans, shown, plan.support, plan.services, cites)
        ans.citations = cites.list

    def _search(self, query: str, context: str | None):
        """The question's vector and passages. A follow-up that leans on the last question is
        searched with its words too; an order to list ("list the castes pls") also as the
        question it stands for, and the nearer reading is kept."""
        k = self.knowledge
        best = None
        for text in dict.fromkeys([query, as_asked(query)]):
            qvec = k.retriever.embed_query(text)
            hits = k.retriever.search(f"{text} {context}" if context else text, qvec=None if context else qvec,
                                      k=max(self.settings.top_k, 6))
            if best is None or relevance(hits) > relevance(best[1]):
                best = (qvec, hits)
        return best

    def _with_last_answer(self, history: list) -> list:
        """The conversation with the last question's answer, when the client sent only the
        questions: a follow-up ("and how long is it kept there?") points back to what that
        answer decided, so it is decided again here (its lead only; no model is asked)."""
        last = history[-1] if history else None
        role = last.get("role") if isinstance(last, dict) else None
        if role != "user" or not str(last.get("content") or "").strip():
            return history
        try:
            prev = parse(str(last["content"]))
        except BadQuestion:
            return history
        shown = _Shown(time.perf_counter())
        run = self._run(prev, Answer(question=prev.raw, lang=prev.lang), shown, history[:-1], lead_only=True)
        for _event in run:  # the lead is the first thing shown; nothing after it is needed
            break
        run.close()
        return [*history, {"role": "assistant", "content": shown.text}]

    def _llm_choice(self, q, hits, scores) -> list[str] | None:
        """A strong backend may decide: it sees the passages and the options, answers letters."""
        from langchain_core.messages import HumanMessage, SystemMessage

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


    # -- the LLM's explanation, checked sentence by sentence ----------------------------------
    # Over 60 lines: streaming: each sentence is checked and shown as it arrives, in one generator.
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

        def quotes(mark) -> str:
            return " ".join(f"{literal(k.sentences[i].text)} [{mark(i)}]"
                            for i in passages_idx[:2] if k.sentences[i].text not in shown.text)
        if model is None:
            # Extractive mode (no backend), or the backend could not start: quote the passages.
            ans.fallback = self.backend is not None
            text = quotes(lambda i: cites.add_sentence(k.sentences[i]))
            if text:
                yield shown.emit("\n" + text)
            return
        # The model reads each sentence with its neighbours; that span is what is cited.
        span_of = {i: k.around(i) for i in passages_idx}
        spans = list(dict.fromkeys(span_of.values()))
        marks = {span: cites.add(*span) for span in spans}
        texts = {span: k.text_of(k.chunks[span[0]].source)[span[1]:span[2]] for span in spans}
        passages = "\n".join(f"[{marks[span]}] {' '.join(texts[span].split())}" for span in spans)
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
        buf, accepted, failed, read = "", [], None, 0
        def mark_for(sent: str) -> int:
            """The marker of the passage that holds most of the sentence's words."""
            words = set(content_words(sent))
            best = max(spans, key=lambda span: len(words & set(content_words(texts[span]))))
            return marks[best]
        try:
            for chunk in model.stream([SystemMessage(SYSTEM_PROMPT), HumanMessage(user)]):
                buf += chunk.text  # .text also flattens Bedrock's list-of-blocks content
                done, buf = split_sentences(buf)
                for sent in done:
                    read += 1
                    why = self._accept(sent, passages, answer_services, accepted, asked)
                    if why:  # never shown; a later sentence of the draft may still hold
                        failed = failed or why
                        continue
                    accepted.append(sent)
                    yield shown.emit(("" if len(accepted) > 1 else "\n") + with_mark(written(sent), mark_for(sent)) + " ")
                if len(accepted) >= 2 or read >= MAX_SENTENCES_READ:
                    break
            if buf.strip() and len(accepted) < 2 and read < MAX_SENTENCES_READ:
                # Cut off at the token limit: an unfinished sentence is never shown.
                if ENDS_RE.search(buf.strip()):
                    why = self._accept(buf, passages, answer_services, accepted, asked)
                    failed = failed or why
                    if not why:
                        accepted.append(buf.strip())
                        yield shown.emit(("" if len(accepted) > 1 else "\n") + with_mark(written(buf.strip()), mark_for(buf)))
        except Exception as e:  # the backend failed or is busy: keep the cited answer, say why
            failed = failed or _interrupted(e, ans, self._explain_error)
        ans.timings["generate_ms"] = round((time.perf_counter() - t) * 1000, 1)
        if not accepted or ans.error or ans.busy:
            ans.fallback = True
            if not ans.error and not ans.busy:
                ans.notes.append(f"model draft rejected: {failed or 'empty'}")
            fallback = quotes(lambda i: marks[span_of[i]])
            if fallback:
                yield shown.emit("\n" + fallback)
            if ans.busy:
                yield shown.emit("\n(" + BUSY_NOTE + ")")
            elif not ans.error:
                yield shown.emit("\n(" + REPLACED_NOTE[_lang(q)] + ")")
        elif failed:
            ans.notes.append(f"a sentence of the model's draft failed the check and was left out: {failed}")

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


def _lang(q: Question) -> str:
    return "zh" if q.lang == "zh" else "en"


def _not_a_person(k: Knowledge, services: tuple[str, ...], decision, query: str) -> bool:
    """Is the answer to a question that asks for a person no person? Its name is written in
    lower case too ("Utilitarianism" and "utilitarianism"), or the statement that decided it
    names a person the question does not ("Brandt knelt at the memorial" for Ostpolitik).
    "Caracalla", decided by his own line, stands."""
    if not services or k.people.is_person(services[0]):
        return False
    name = services[0]
    words = re.findall(r"[A-Za-z]+", re.sub(r"\(.*?\)", "", name))
    if any(w.lower() in k.people.common for w in words):
        return True
    said = decision.best_statement.get(name) if decision is not None else None
    return said is not None and k.people.name_in(said.signal, f"{query} {name}") is not None


def _without_named_partner(decision, named: set[str]):
    """A pair answer ("Flexi Card + Night Owl") loses the member the question itself names
    ("which ticket works on the Night Owl buses?"): that one is the situation, not the answer."""
    keep = tuple(s for s in decision.services if s not in named)
    if len(decision.services) < 2 or not keep or keep == decision.services:
        return decision
    return replace(decision, services=keep, statement=decision.best_statement.get(keep[0], decision.statement))


def _leaning(qvec, context_vec):
    """A follow-up's own meaning, leaning on the last question's (CONTEXT_WEIGHT of it)."""
    v = qvec + CONTEXT_WEIGHT * context_vec
    return v / (float((v @ v) ** 0.5) or 1.0)


CONTEXT_WEIGHT = 0.5  # 0.2 and 0.5 alike on the gate's follow-ups; the whole last question (1.0) lost two


def _which_plan(k, q, vecs, hits, situation: str, decision, exclude, named, cites) -> plans.Plan:
    """The decided thing, less what the question itself names or rules out and moved to the
    asked kind; the sentences that say it when the question names the thing the evidence still
    points to ("Which setting lets GitLab cancel old jobs?" over notes where GitLab CI/CD wins):
    then what it asks for is a part of that thing, a word of a sentence the catalog may not hold."""
    qvec, svec = vecs
    # "Should fiscal or monetary policy lead?": one of the two offered, whatever else fits.
    chosen = alternatives.among(decision, alternatives.offered(asking_part(q.search_text), k.catalog))
    if chosen is not None:
        return plans.chosen(k, q, qvec, hits, chosen, cites)
    # "Which section of the Harbour Act …?", and "which part of Versailles …?" won by the Treaty
    # itself, ask for a piece of a text: a sentence of it says the piece.
    piece_of, of_text = asks_for_piece_of(q.search_text) or ("", False)
    whole = {s.name for s in k.catalog.find(piece_of) or _called_by_word(k.catalog, piece_of)} if piece_of else set()
    # The part asked for is X itself, or a thing the material does not place within X, or one
    # the question names in its own words ("the bit where Germany had to take the blame": "Blame").
    winner = decision.ranking[0][0] if decision.ranking else None
    if of_text or whole and winner and (winner in whole or k.parent_of.get(winner) not in whole
                                        or winner in {s.name for s in k.catalog.find(q.search_text)}):
        return plans.fact(k, q, qvec, hits, cites)
    asked = asked_kind(q.search_text, ignore=set(k.catalog.prefixes))
    wanted = _kind_beyond_names(asked, named)
    in_situation = {s.name for s in k.catalog.find(situation) if not s.generic}
    if not asks_person(q.search_text):  # "who developed Keynesian economics?" may be answered by its name
        in_situation |= named_by_word(situation, k.people, k.catalog)
    # "two VMs across zones → **99.99%**" states a figure: an option may be one, a thing to use is not.
    figures = tuple(n for n, _score in decision.ranking if is_figure(n))
    decision = not_named(without(decision, exclude + figures), in_situation)
    # "which <umbrella> feature", "which storage option": words naming no thing of the material
    # name a category (or the umbrella) the answer belongs to, not a thing whose part is asked.
    whose = asks_for_part(q.search_text)
    owners = None if whose is None else (k.catalog.find(whose) or None) if whose else []
    decision = beside_named(to_part(decision, k.parent_of, owners), k.parent_of, in_situation)
    # "Which pricing strategy …?" names Pricing as the kind it asks for: Pricing winning is the
    # kind itself, and the best pricing strategy answers.
    named_winner = bool(decision.ranking) and decision.ranking[0][0] in {s.name for s in named}
    decision = _without_named_partner(of_kind(decision, k, asked if named_winner else wanted), in_situation)
    if not named_winner and whose is None:  # "which feature/option …" asks for a part already (to_part)
        decision = part_of_kind(decision, k, wanted)
    decision = to_remedy(decision, k.remedy_at, k.remedies, asking_part(q.search_text), KIND_RATIO)
    # "Which Brew Queue setting …?" is never answered "Brew Queue": the asked part is a word of
    # a sentence; so is it when the winner is no part of the thing named ("Steep timer").
    owner_names = {s.name for s in owners or [] if not s.generic}
    stray = bool(owner_names) and k.parent_of.get(decision.services[0]) not in owner_names
    if decision.services[0] in in_situation | owner_names | k.catalog.brand_named(situation) or stray:
        return plans.fact(k, q, qvec, hits, cites)
    if not kind_known(decision, k, wanted):
        # "Which PPI do we prefer …?" when no thing of the material is a PPI: the sentence that
        # says one ("… so pantoprazole is the usual PPI choice") answers, if the best does.
        said = plans.fact(k, q, qvec, hits, Citations(k))  # a trial: its citations are not kept
        if said.support and _says_kind(k.sentences[said.support[0]].text, wanted):
            return plans.fact(k, q, qvec, hits, cites)
    return plans.which(k, q, svec, decision, cites)


def _called_by_word(catalog, words: str) -> list:
    """The one thing ``words`` call by a shorter name: the opening of its name ("Harbour Act"
    for "Harbour Act 1872"), or a capitalised word the material seldom writes outside that
    name ("Versailles" for the Treaty of Versailles)."""
    opening = words.lower() + " "
    found = {svc.name: svc for svc in catalog.services if not svc.generic and svc.name.lower().startswith(opening)}
    if not found:
        found = {svc.name: svc for w in re.findall(r"\b[A-Z][\w\-]{3,}", words) for svc in catalog.services
                 if not svc.generic and w.lower() in svc.name.lower().split() and catalog.stands_for(w, svc)}
    return list(found.values()) if len(found) == 1 else []


def _says_kind(sentence: str, wanted: frozenset[str]) -> bool:
    from studyrag.rag.entities import kind_words

    return bool(wanted & kind_words(sentence, (), ""))


def _kind_beyond_names(wanted: frozenset[str], named) -> frozenset[str]:
    """"Which Cloud Storage class …?" asks for a class; "Cloud Storage" is whose. The asked
    kind less the words of a thing the question names, unless that leaves nothing ("which
    isolation level?" when the material has a thing called Isolation Levels)."""
    from studyrag.rag.entities import stem

    names = {stem(w.lower()) for s in named for w in re.findall(r"[\w\-]+", s.name)}
    return (wanted - names) or wanted


def _nearer_elsewhere(k, kind: str, named, svec, rel: float, decision) -> bool:
    """Is the question's task nearer another product's (a profile's ``outside`` table) than
    anything the material states? By a clear margin, it is refused; by any margin, a "which
    thing?" question is refused when its decision is weak too (below the firm floor): a question
    whose task is another product's, asked of a guide that teaches only its neighbours, reaches
    one of them weakly and sits nearer that product's description."""
    if kind not in ("which", "explain", "fact") or any(s.name in k.topics for s in named):
        return False
    margin = k.outside_margin(svec)[0]
    if margin > k.calibration.outside_margin:
        return True
    return kind == "which" and decision is not None and margin > 0 and \
        rel + decision.score < k.calibration.firm_which_floor


def _in_scope(hits, named, topics, calibration, which_decision=None) -> bool:
    """Naming a thing the material teaches (its own section or a signal's target) is in scope;
    otherwise the question must be close enough to the material's text (rag/scope.py), and a
    "which thing" question must also agree with what the material says of its answer."""
    if any(s.name in topics for s in named):
        return True
    rel = relevance(hits)
    if which_decision is not None:
        return rel >= calibration.which_relevance_floor and rel + which_decision.score >= calibration.which_floor
    return rel >= calibration.relevance_floor


__all__ = ["Answer", "BadQuestion", "Citation", "Event", "Tutor"]
