"""A question that asks who is answered with the person the material names for it: under the
heading that names them, or in the line that tells what they did, though the catalog (bold
terms, headings of things) does not hold them as things.

Invented notes on lighthouse history in Markdown, ingested for real; answers are extractive."""

from __future__ import annotations

import pytest

from .conftest import extractive_tutor_on

NOTES = """# Lighthouses — revision notes

## 1. Lenses

### 1.1 Augustin Fresnel and the stepped lens (1822)
- French physicist; built the first stepped lens for the Cordouan tower in the Gironde estuary.
- Concentric glass rings bend the light of one lamp into a single horizontal beam.
- A first-order lens weighs several tonnes and turns on a bath of mercury.
- Fresnel died young, in 1827, before most towers had his lens.

### 1.2 Lamps
- The **Argand lamp** (1780s) used a hollow wick and a glass chimney for a bright, smokeless flame.
- **Incandescent oil vapour** burners replaced wicks around 1900.

## 2. Rescues and keepers

Grace Darling, the keeper's daughter at the Longstone light, rowed out with her father in 1838 to
save nine survivors of the wrecked steamer Forfarshire. Darling became a national heroine, and the
rescue led to the **lifeboat station** at Holy Island being better funded.

Keepers worked **four weeks on, two weeks off** at rock towers; the last British keepers left in 1998.

## 3. Lights at sea

- **Lightvessel** — a moored ship carrying a light where no tower can be built, such as over a sandbank.
- **Light buoy** — a floating light marking a channel, serviced by tenders.
- The **Eddystone** tower was rebuilt four times; the fourth, by James Douglass, is still lit.
  Douglass also designed the Bishop Rock tower.
"""


@pytest.fixture(scope="module")
def lighthouse_tutor(tmp_path_factory):
    return extractive_tutor_on(tmp_path_factory.mktemp("lights"), "lighthouse-notes.md", NOTES)


def test_a_who_question_is_answered_with_the_name_of_the_heading_over_the_fact(lighthouse_tutor):
    ans = lighthouse_tutor.ask("who came up with the glass rings that bend one lamp's light into a single beam?")
    lead = ans.answer.splitlines()[0]
    assert not ans.refused and "Augustin Fresnel" in lead, ans.answer


def test_a_question_for_a_person_is_answered_with_a_person_not_a_thing_the_line_names(lighthouse_tutor):
    ans = lighthouse_tutor.ask("Which keeper's daughter became a national heroine?")
    lead = ans.answer.splitlines()[0]
    assert not ans.refused and "Grace Darling" in lead, ans.answer


def test_a_question_for_a_thing_keeps_its_answer(lighthouse_tutor):
    ans = lighthouse_tutor.ask("Which kind of light is moored over a sandbank where no tower can stand?")
    assert ans.services[:1] == ["Lightvessel"], ans.answer
