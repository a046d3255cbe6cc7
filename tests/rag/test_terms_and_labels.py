"""What the notes teach, told from how they label the page.

- A one-word term the notes define in bold ("**Glimmerwort** — a moss whose …") is a thing,
  however often the text then writes it in lower case ("put the glimmerwort in the shade");
  an everyday word written in bold and then in lower case ("**Water**") is not.
- A heading whose section asks questions and answers them ("## 9. FAQ") labels a part of the
  page; the answers beneath are about many things, the heading names none of them.
- A two-word bold label that opens two lines ("**Exam trap:**") labels them; it is no thing.
- A sub-bullet says its words of the item it hangs under: "Follows from steady watering" under
  "First rule of the glasshouse" says it of the first rule, for a multiple-choice stem.

Invented material (a glasshouse botany course), ingested with the real embedder; extractive answers."""

from __future__ import annotations

import pytest

from .conftest import assert_said_together, catalog_names, extractive_tutor_on

NOTES = """# Glasshouse botany: revision notes

*My notes for the glasshouse unit: shade plants, sun plants, the two rules. FAQ at the bottom.*

## 1. Shade plants

- **Glimmerwort** — a moss whose fronds glow faintly after dusk; it needs deep shade and wilts in direct sun.
- Put the glimmerwort in the north bed, and mist the glimmerwort twice a day.
- A glimmerwort kept in the sun turns brown within a week; move the glimmerwort back to the shade and it recovers.
- **Water** — rainwater is best; tap water leaves lime on the leaves.
- Give the water time to warm: cold water shocks the roots, and water from the butt is softer.
- **Exam trap:** a glowing plant is not always a glimmerwort; lantern fern glows too but only in spring.

## 2. Sun plants

- **Copperleaf** — a shrub with metallic leaves that colour best in full sun.
- **Sunspire** — a climbing vine for the south wall; it flowers only above 25 °C.
- **Exam trap:** copperleaf leaves fade in shade, which candidates mistake for disease.

## 3. The two glasshouse rules

- **Second rule of the glasshouse** = the air rule:
  - Follows from **open vents**: warm air leaves before noon.
- **First rule of the glasshouse** = the root rule:
  - Follows from **steady watering**: roots never dry out between visits.

## 9. FAQ

**Q: Can I grow glimmerwort at home?**
Yes, in a dark bathroom with high humidity.

**Q: Why do the vents open before noon?**
So that the sunspire does not overheat on the south wall.

**Q: Which plants need misting?**
Shade plants, above all the glimmerwort.
"""


@pytest.fixture(scope="module")
def tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("glasshouse"), "glasshouse-notes.md", NOTES)


def test_a_term_written_in_lower_case_is_still_a_thing(tutor):
    names = catalog_names(tutor)
    assert "Glimmerwort" in names
    assert "Water" not in names


def test_a_heading_of_questions_is_no_thing(tutor):
    assert "FAQ" not in catalog_names(tutor)


def test_a_label_that_opens_two_lines_is_no_thing(tutor):
    assert "Exam trap" not in catalog_names(tutor)


def test_a_sub_bullet_speaks_for_the_item_above_it(tutor):
    ans = tutor.ask("The first rule of the glasshouse follows from",
                    options={"A": "open vents", "B": "steady watering", "C": "deep shade", "D": "full sun"})
    assert ans.answer.startswith("Answer: B."), ans.answer


def test_a_sub_bullet_holds_the_words_of_its_item(tutor):
    assert_said_together(tutor, "The first rule of the glasshouse follows from", "steady watering", "open vents")


def test_a_chinese_follow_up_that_switches_keeps_the_situation(tutor):
    """"改用" (use … instead) switches as "instead" does: the last question's situation stays
    and its answer is left out of the choice."""
    from studyrag.rag.followup import standalone

    first = "北邊花床很陰暗，應該種哪一種植物？"
    history = [{"role": "user", "content": first}, {"role": "assistant", "content": "答案：Glimmerwort [1]"}]
    follow = standalone("那如果想要金屬色的葉子，應該改用哪一種？", history, tutor.knowledge.catalog)
    assert follow.text.startswith("北邊花床很陰暗") and "Glimmerwort" not in follow.text, follow
    assert follow.exclude == ("Glimmerwort",), follow
