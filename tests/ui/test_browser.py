"""End to end in headless Chromium: the real server, the real index, extractive answers.

Ask -> streamed answer -> sources panel with the cited passage and its <mark>ed quote ->
thumbs up -> the SQLite row; a Practice round that grades a pick; a backend failure shown
as a friendly notice. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import re
import sqlite3
import time

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = pytest.mark.slow

QUESTION = ("A retail company must label 300,000 product images before training a custom classifier. "
            "Which AWS service should they use?")
WAIT = 120  # the machine is shared: be patient, but never sleep blindly


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s or "").strip()


def wait(driver, cond, timeout=WAIT, what="condition"):
    return WebDriverWait(driver, timeout, poll_frequency=0.25).until(cond, message=f"timed out waiting for {what}")


def open_app(driver, url):
    driver.get(url)
    return wait(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, "#sr-question textarea")), what="question box")


def open_tab(driver, name):
    tab = wait(driver, EC.element_to_be_clickable(
        (By.XPATH, f"//button[@role='tab' and contains(normalize-space(.), '{name}')]")), what=f"tab {name}")
    tab.click()


def ask(driver, question):
    box = wait(driver, EC.element_to_be_clickable((By.CSS_SELECTOR, "#sr-question textarea")), what="question box")
    box.clear()
    box.send_keys(question)
    driver.find_element(By.CSS_SELECTOR, "#sr-ask").click()


def last_bot_message(driver):
    msgs = driver.find_elements(By.CSS_SELECTOR, "#sr-chat [data-testid='bot']")
    return msgs[-1] if msgs else None


def answer_done(driver):
    """The final answer is shown (no streaming cursor) and its sources are rendered."""
    m = last_bot_message(driver)
    if m is None or "▌" in m.text or not m.text.strip() or m.text.strip() == "…":
        return False
    return bool(driver.find_elements(By.CSS_SELECTOR, "#sr-sources details[open] .sr-src mark"))


def test_chat_answer_sources_and_feedback(browser, ui_server, artifacts_dir):
    d = browser
    open_app(d, ui_server.url)
    ask(d, QUESTION)
    wait(d, answer_done, what="the streamed answer and its sources")
    bot = last_bot_message(d)
    assert "Amazon SageMaker Ground Truth" in bot.text

    # The [n] markers are links into the sources panel.
    links = bot.find_elements(By.CSS_SELECTOR, "a[href^='#src-0-']")
    assert links, bot.get_attribute("innerHTML")

    # Every cited passage is shown with its heading path and the quoted span highlighted.
    expected = ui_server.service.fallback_tutor().ask(QUESTION)
    assert expected.citations
    for c in expected.citations:
        el = d.find_element(By.CSS_SELECTOR, f"#src-0-{c.id}")
        head = el.find_element(By.CSS_SELECTOR, ".sr-src-head").text
        assert c.section.split(" > ")[-1] in head
        marks = el.find_elements(By.TAG_NAME, "mark")
        assert len(marks) == 1
        assert norm(marks[0].text) == norm(c.quote)
        passage = norm(el.find_element(By.CSS_SELECTOR, ".sr-passage").text)
        assert norm(c.quote) in passage

    # Clicking a marker brings its passage into view (and flashes it).
    links[0].click()
    target = links[0].get_attribute("href").split("#", 1)[1]
    wait(d, lambda d: "sr-flash" in (d.find_element(By.ID, target).get_attribute("class") or ""), timeout=10,
         what="the cited passage to flash")
    d.save_screenshot(str(artifacts_dir / "ui-chat-answer.png"))

    # Thumbs up -> one row in the feedback SQLite file with the question, answer and citations.
    like = wait(d, lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "#sr-chat button[aria-label='Like']")
                              if b.is_displayed()], what="the Like button")
    like[-1].click()

    def saved(_):
        if not ui_server.feedback_path.exists():
            return None
        con = sqlite3.connect(ui_server.feedback_path)
        try:
            return con.execute("SELECT question, answer, citations, rating, backend, model, created_at FROM feedback"
                               " WHERE question = ? AND rating = 1", (QUESTION,)).fetchone()
        finally:
            con.close()

    row = wait(d, saved, timeout=30, what="the feedback row")
    import json

    assert "Ground Truth" in row[1] and row[4] == "none" and row[5] == "extractive" and row[6]
    cits = json.loads(row[2])
    assert [c["quote"] for c in cits] == [c.quote for c in expected.citations]
    d.save_screenshot(str(artifacts_dir / "ui-chat-liked.png"))

    # A follow-up uses the history; "New chat" clears everything.
    ask(d, "and the asynchronous one?")
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#sr-chat [data-testid='bot']")) == 2 and answer_done(d),
         what="the follow-up answer")
    d.find_element(By.CSS_SELECTOR, "#sr-new").click()
    wait(d, lambda d: not d.find_elements(By.CSS_SELECTOR, "#sr-chat [data-testid='bot']"), what="an empty chat")
    assert not d.find_elements(By.CSS_SELECTOR, "#sr-sources .sr-src")


def _shown_item(d, bank):
    q = wait(d, lambda d: (el := d.find_element(By.CSS_SELECTOR, "#sr-p-question")) and "Question" in el.text and el,
             what="a practice question")
    text = norm(q.text)
    return next(it for it in bank.items if norm(it.stem) in text)


def _pick(d, letter):
    label = next(lb for lb in d.find_elements(By.CSS_SELECTOR, "#sr-p-one label") if norm(lb.text).startswith(f"{letter}."))
    label.click()
    d.find_element(By.CSS_SELECTOR, "#sr-p-check").click()


def test_practice_round(browser, ui_server, artifacts_dir):
    d = browser
    bank = ui_server.service.practice.bank
    open_app(d, ui_server.url)
    open_tab(d, "Practice")
    item = _shown_item(d, bank)
    user = d.find_element(By.CSS_SELECTOR, "#sr-p-user textarea, #sr-p-user input")
    user.clear()
    user.send_keys("browser-user")
    wrong = next(L for L in item.options if L != item.key)
    _pick(d, wrong)
    result = wait(d, lambda d: (el := d.find_element(By.CSS_SELECTOR, "#sr-p-result")) and "Not quite" in el.text and el,
                  what="the grade")
    assert item.key_text in result.text
    expl = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#sr-p-expl .sr-src mark"), what="the cited explanation")
    assert norm(item.cited.text)[:60] in norm(expl[0].text)
    assert f"Why not {wrong}" in d.find_element(By.CSS_SELECTOR, "#sr-p-expl").text
    score = d.find_element(By.CSS_SELECTOR, "#sr-p-score").text
    assert "browser-user: 0/1 right" in score and item.topic in score
    d.save_screenshot(str(artifacts_dir / "ui-practice-graded.png"))
    rows = ui_server.service.practice.store.rows("browser-user")
    assert [(r.topic, r.right, r.wrong) for r in rows] == [(item.topic, 0, 1)]  # saved, not only shown

    # Next question, answered right this time.
    d.find_element(By.CSS_SELECTOR, "#sr-p-next").click()
    wait(d, lambda d: "Question 2" in d.find_element(By.CSS_SELECTOR, "#sr-p-question").text, what="question 2")
    item2 = _shown_item(d, bank)
    assert item2.id != item.id
    _pick(d, item2.key)
    wait(d, lambda d: "Correct" in d.find_element(By.CSS_SELECTOR, "#sr-p-result").text, what="a correct grade")
    wait(d, lambda d: "browser-user: 1/2 right" in d.find_element(By.CSS_SELECTOR, "#sr-p-score").text, what="the score")


def test_practice_topics_and_flashcard_downloads(browser, ui_server):
    d = browser
    service = ui_server.service.practice
    open_app(d, ui_server.url)
    open_tab(d, "Practice")
    _shown_item(d, service.bank)
    for sel, suffix in (("#sr-p-apkg", ".apkg"), ("#sr-p-csv", ".csv")):
        btn = d.find_element(By.CSS_SELECTOR, sel)
        assert btn.is_displayed() and btn.text.strip()
    apkg, csv = service.flashcard_files()
    assert apkg.stat().st_size > 1000 and csv.read_text(encoding="utf-8").startswith("cloze,answer")
    # The topic picker lists the material's sections.
    d.find_element(By.CSS_SELECTOR, "#sr-p-topic input").click()
    # textContent, not .text: Selenium's .text is '' for an option still opening or scrolled out of view.
    def option_names(d):
        options = d.find_elements(By.CSS_SELECTOR, "ul[role='listbox'] li")
        names = [norm(o.get_attribute("textContent")).lstrip("✓ ") for o in options]  # the selected one has a check
        return options and all(names) and (options, names)
    options, names = wait(d, option_names, what="the topic list")
    assert names[0] == "All topics" and set(names[1:]) == set(service.bank.topics())
    target = service.bank.topics()[-1]
    option = options[names.index(target)]
    d.execute_script("arguments[0].scrollIntoView({block: 'nearest'});", option)
    option.click()
    wait(d, lambda d: target in d.find_element(By.CSS_SELECTOR, "#sr-p-question").text, what="an item of the topic")


def test_backend_failure_is_a_friendly_notice(browser, ui_server, artifacts_dir, no_aws_credentials):
    d = browser
    open_app(d, ui_server.url)
    open_tab(d, "Settings")
    manifest = wait(d, EC.visibility_of_element_located((By.CSS_SELECTOR, "#sr-manifest")), what="the manifest")
    assert f"{len(ui_server.service.knowledge.chunks)} chunks" in manifest.text
    radio = next(lb for lb in d.find_elements(By.CSS_SELECTOR, "#sr-backend label") if norm(lb.text) == "bedrock")
    radio.click()
    d.find_element(By.CSS_SELECTOR, "#sr-apply").click()
    wait(d, lambda d: "Applied" in d.find_element(By.CSS_SELECTOR, "#sr-settings-status").text, what="settings applied")
    open_tab(d, "Chat")
    ask(d, "A fraud team scores the full monthly transaction table in one nightly run. Which AWS service should they use?")
    notice = wait(d, lambda d: (el := d.find_element(By.CSS_SELECTOR, "#sr-notice")) and el.is_displayed()
                  and "credentials" in el.text.lower() and el, what="the backend notice")
    wait(d, answer_done, what="the cited fallback answer")
    assert "Batch Transform" in last_bot_message(d).text
    assert "Traceback" not in d.page_source
    assert "Bedrock" in notice.text
    time.sleep(0.3)
    d.save_screenshot(str(artifacts_dir / "ui-backend-error.png"))


@pytest.mark.slow
def test_a_chinese_question_gets_a_traditional_chinese_lead(browser, ui_server, artifacts_dir):
    """A Traditional-Chinese question: the lead is in Traditional Chinese and cites the guide
    (the README's screenshot: docs/ui-chinese.png, taken with a CJK font installed)."""
    from studyrag.rag.chinese import to_traditional

    d = browser
    open_app(d, ui_server.url)
    ask(d, "我們每晚要對整個客戶資料表批次評分，不需要常駐的端點。應該使用 SageMaker 的哪個功能？")
    wait(d, answer_done, what="the Chinese answer and its sources")
    text = last_bot_message(d).text
    assert text.startswith("答案：") and "Batch Transform" in text, text
    assert to_traditional(text) == text  # no Simplified character anywhere
    d.save_screenshot(str(artifacts_dir / "ui-chinese-answer.png"))
