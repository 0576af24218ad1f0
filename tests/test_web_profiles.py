"""Pages that answer, on the real server: a person as a researcher profile, a theme as who works
on it, a session as its speakers and talks, an organisation as its members and their themes,
in French and in English, every value escaped.

The real build (`live_server`) answers the source's questions; the small hand-made build
(`web_server`) carries hostile labels, titles and quotes.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from expected_answers import CHAMBON_ROLLED_UP, CHAMBON_TALK

from villegraph.config import Settings
from villegraph.store import EmbeddedStore
from villegraph.web.pages import Linker
from villegraph.web.profiles import _read_date, profile_of

B = "https://w3id.org/villegraph/"
CHAMBON = "/person/jean-baptiste-chambon"


@dataclass
class Item:
    """An `<li>` of a profile list: its data attributes, class, text, quotes and links."""

    attrs: dict[str, str]
    text: str = ""
    quotes: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def theme(self) -> str:
        return self.attrs.get("data-theme", "").removeprefix(B + "theme/")


class _Items(HTMLParser):
    """Collects the `<li>` that carry a `data-level` (or any `data-*` asked for)."""

    def __init__(self, attribute: str) -> None:
        super().__init__()
        self.attribute = attribute
        self.items: list[Item] = []
        self._open: Item | None = None
        self._depth = 0
        self._quote: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if self._open is not None:
            if tag == "li":
                self._depth += 1
            if tag == "q":
                self._quote = []
            if tag == "a" and "href" in values:
                self._open.links.append(values["href"])
        elif tag == "li" and self.attribute in values:
            self._open, self._depth = Item(values), 0

    def handle_endtag(self, tag: str) -> None:
        if self._open is None:
            return
        if tag == "q" and self._quote is not None:
            self._open.quotes.append("".join(self._quote))
            self._quote = None
        if tag == "li":
            if self._depth == 0:
                self.items.append(self._open)
                self._open = None
            else:
                self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open.text += data
            if self._quote is not None:
                self._quote.append(data)


def items(page: str, attribute: str = "data-level") -> list[Item]:
    parser = _Items(attribute)
    parser.feed(page)
    return parser.items


def level(page: str, name: str) -> list[Item]:
    return [i for i in items(page) if i.attrs["data-level"] == name]


def get(server: str, path: str, language: str) -> str:
    response = httpx.get(f"{server}{path}.html?lang={language}", timeout=30)
    assert response.status_code == 200, path
    return response.text


# --- person -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_chambon_own_work_is_his_seven_quoted_themes_then_roll_ups(
    live_server: str, source_lines: list[str], language: str
) -> None:
    page = get(live_server, CHAMBON, language)
    own = level(page, "own-work")
    stated = [i for i in own if "stated" in i.attrs["class"]]
    rolled = [i for i in own if "rolled-up" in i.attrs["class"]]
    assert {i.theme for i in stated} == CHAMBON_TALK and len(stated) == 7
    source = "\n".join(source_lines)
    for item in stated:
        assert item.quotes, item.theme
        for quote in item.quotes:
            assert quote in source, (item.theme, quote)
        assert "/talk/chambon-donnees-bureaucraties-locales" in item.links
    assert {i.theme for i in rolled} == CHAMBON_ROLLED_UP
    marked = {"fr": "agrégé, via", "en": "rolled up, via"}[language]
    assert all(marked in i.text and not i.quotes for i in rolled)
    data = next(i for i in rolled if i.theme == "data")
    assert "/theme/open-data" in data.links, "the roll-up names what it comes from"
    assert own.index(stated[-1]) < own.index(rolled[0]), "stated themes first"
    context = level(page, "session-context")
    assert "artificial-intelligence" in {i.theme for i in context}
    assert "artificial-intelligence" not in {i.theme for i in own}
    assert not {i.theme for i in context} & {i.theme for i in own}, "not repeated"
    label = {"fr": "contexte de séance", "en": "session context"}[language]
    assert all(label in i.text for i in context)


def test_chambon_profile_has_affiliation_talk_and_co_speakers(live_server: str) -> None:
    page = get(live_server, CHAMBON, "en")
    assert '<span class="printed-title">doctorant</span>, <a href="/org/cee"' in page
    assert 'href="/org/sciences-po"' in page.split('id="affiliations"')[1].split("</ul>")[0]
    talks = items(page, "data-talk")
    assert [t.attrs["data-talk"] for t in talks] == [
        B + "talk/chambon-donnees-bureaucraties-locales"
    ]
    assert "/event/seance-5" in talks[0].links and "2023-02-16" in talks[0].text
    co = page.split('id="co-speakers"')[1].split("</ul>")[0]
    assert "Carole-Anne Tisserand" in co and "Déborah Autheman" in co
    assert "Jean-Baptiste Chambon" not in co


def test_tisserand_affiliation_prints_the_lab_to_institution_chain(live_server: str) -> None:
    page = get(live_server, "/person/carole-anne-tisserand", "fr")
    block = page.split('<ul class="affiliations">')[1].split("</ul>")[0]
    text = html.unescape(" ".join(block.split()))
    shown = "".join(part.split(">")[-1] for part in text.split("<"))
    assert shown.strip() == "doctorante, CSI (i3 UMR 9217, CNRS, Mines Paris, PSL)"
    for org in ("csi", "i3", "cnrs", "mines-paris", "psl"):
        assert f'href="/org/{org}"' in block


@pytest.mark.parametrize("language", ["fr", "en"])
def test_autheman_has_her_quoted_role_and_no_talk(live_server: str, language: str) -> None:
    page = get(live_server, "/person/deborah-autheman", language)
    stated = [i for i in level(page, "own-work") if "stated" in i.attrs["class"]]
    assert [i.theme for i in stated] == ["administrative-transformation"]
    assert stated[0].quotes == [
        "engagée dans la transformation et la modernisation d'une collectivité locale"
    ]
    assert "/membership/autheman-region-nouvelle-aquitaine" in stated[0].links
    assert 'id="no-talk"' in page and items(page, "data-talk") == []
    said = {"fr": "Ne présente aucune communication titrée.", "en": "Gives no titled talk."}
    assert said[language] in page


def test_derived_facts_carry_their_level(live_server: str) -> None:
    page = get(live_server, CHAMBON, "en")
    table = page.split('<table class="links derived">')[1].split("</table>")[0]
    assert "<th>Level</th>" in table
    assert "own work" in table and "session context" in table
    french = get(live_server, CHAMBON, "fr").split('<table class="links derived">')[1]
    assert "travail propre" in french and "contexte de séance" in french


# --- theme --------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_nobody_works_on_ai_and_the_session_context_says_so(
    live_server: str, language: str
) -> None:
    page = get(live_server, "/theme/artificial-intelligence", language)
    assert level(page, "own-work") == []
    assert 'id="nobody"' in page
    context = level(page, "session-context")
    people = {i.attrs["data-person"].removeprefix(B + "person/") for i in context}
    assert people == {"carole-anne-tisserand", "jean-baptiste-chambon", "deborah-autheman"}
    label = {"fr": "contexte de séance", "en": "session context"}[language]
    assert all(label in i.text and "/event/seance-5" in i.links for i in context)
    heading = {"fr": "Contexte de séance", "en": "Session context"}[language]
    assert f'<h2 id="session-context">{heading}</h2>' in page


def test_open_data_ranks_chambon_with_his_words(live_server: str) -> None:
    page = get(live_server, "/theme/open-data", "en")
    own = level(page, "own-work")
    assert [i.attrs["data-person"] for i in own] == [B + "person/jean-baptiste-chambon"]
    assert own[0].quotes == ["ouverture des données publiques"]
    assert "score 1" in own[0].text
    organisations = {
        i.attrs["data-organisation"].removeprefix(B + "org/"): i.text
        for i in items(page, "data-organisation")
    }
    assert set(organisations) == {"cee", "sciences-po"}
    assert all("through 1 member(s)" in text for text in organisations.values())
    assert "Broader" in page and 'href="/theme/data"' in page


def test_a_broad_theme_ranks_people_by_score_and_lists_narrower_themes(live_server: str) -> None:
    page = get(live_server, "/theme/public-administration", "fr")
    own = level(page, "own-work")
    people = [i.attrs["data-person"].removeprefix(B + "person/") for i in own]
    assert people == ["deborah-autheman", "jean-baptiste-chambon"], "equal scores, by name"
    assert all("score 1" in i.text and "via" in i.text for i in own), "one talk, one role"
    assert own[0].quotes == [
        "engagée dans la transformation et la modernisation d'une collectivité locale"
    ]
    assert "Plus spécifiques" in page and 'href="/theme/administrative-transformation"' in page
    assert page.index('id="own-work"') < page.index('id="session-context"')


# --- session and organisation -------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_session_5_lists_both_talks_with_their_presenters(live_server: str, language: str) -> None:
    page = get(live_server, "/event/seance-5", language)
    talks = {i.attrs["data-talk"].removeprefix(B + "talk/"): i for i in items(page, "data-talk")}
    assert set(talks) == {
        "tisserand-participation-smart-territoire",
        "chambon-donnees-bureaucraties-locales",
    }
    assert (
        "/person/carole-anne-tisserand" in talks["tisserand-participation-smart-territoire"].links
    )
    assert "/person/jean-baptiste-chambon" in talks["chambon-donnees-bureaucraties-locales"].links
    speakers = {
        i.attrs["data-person"].removeprefix(B + "person/"): i for i in items(page, "data-person")
    }
    assert set(speakers) == {"carole-anne-tisserand", "jean-baptiste-chambon", "deborah-autheman"}
    no_talk = {"fr": "sans communication titrée", "en": "no titled talk"}[language]
    assert no_talk in speakers["deborah-autheman"].text
    assert no_talk not in speakers["jean-baptiste-chambon"].text
    assert "jeudi 16/02/23" in page and "2023-02-16, 09:00–10:30 (+01:00)" in page
    assert {"fr": '<h2 id="when">Quand</h2>', "en": '<h2 id="when">When</h2>'}[language] in page


def test_the_doubtful_session_keeps_its_doubts_and_dates(live_server: str) -> None:
    page = get(live_server, "/event/seance-1", "en")
    assert "date as printed <strong>27/11/22</strong> — doubtful" in page
    assert 'class="printed-date">' in page and "2022-11-27" in page


def test_a_talk_shows_its_presenter_session_and_quoted_themes(
    live_server: str, source_lines: list[str]
) -> None:
    page = get(live_server, "/talk/tisserand-participation-smart-territoire", "fr")
    profile = page.split('<section class="profile talk">')[1].split("</section>")[0]
    assert 'href="/person/carole-anne-tisserand"' in profile
    assert 'href="/event/seance-5"' in profile and "(16/02/23)" in profile
    assert 'href="/programme/smart-region-ile-de-france"' in profile
    themes = items(page, "data-theme")
    assert len(themes) == 7 and all(len(i.quotes) == 1 for i in themes)
    assert all(i.quotes[0] in "\n".join(source_lines) for i in themes)


def test_an_institution_lists_members_below_it_and_their_themes(live_server: str) -> None:
    page = get(live_server, "/org/psl", "en")
    members = items(page, "data-person")
    assert [m.attrs["data-person"] for m in members] == [B + "person/carole-anne-tisserand"]
    assert "doctorante" in members[0].text and "/org/csi" in members[0].links
    assert "Sub-organisations" in page and 'href="/org/mines-paris"' in page
    themes = {i.theme: i.text for i in items(page, "data-theme")}
    assert "citizen-participation" in themes and "artificial-intelligence" not in themes
    assert all("through 1 member(s)" in text for text in themes.values())


# --- escaping and the facts ---------------------------------------------------------------------


def test_hostile_titles_and_quotes_are_escaped(web_server: str) -> None:
    for path in ("/person/evil", "/theme/participation", "/org/lab"):
        for language in ("fr", "en"):
            page = get(web_server, path, language)
            assert "<script>alert" not in page and "<b>chef</b>" not in page, path
    person = get(web_server, "/person/evil", "en")
    assert "&lt;b&gt;chef&lt;/b&gt; &amp; &lt;i&gt;co&lt;/i&gt;" in person
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt; &amp; co" in person
    theme = get(web_server, "/theme/participation", "en")
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Evil &amp; Co" in theme
    assert "&lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt;" in theme
    lab = get(web_server, "/org/lab", "en")
    assert "&lt;b&gt;chef&lt;/b&gt;" in lab


def test_the_facts_stay_below_the_answer(web_server: str, live_server: str) -> None:
    page = get(live_server, CHAMBON, "en")
    assert page.index('id="own-work"') < page.index('<details class="facts">')
    assert "<h3>Properties</h3>" in page and "All the facts" in page
    plain = get(web_server, "/membership/evil-lab", "fr")
    assert '<details class="facts" open>' in plain, "a page without answers shows its facts"


# --- the module on its own ----------------------------------------------------------------------


def test_without_canned_queries_a_page_keeps_its_facts(
    settings: Settings, built_store: EmbeddedStore, tmp_path: Path
) -> None:
    linker = Linker(settings.base_iri)
    types = {"http://xmlns.com/foaf/0.1/Person"}
    iri = B + "person/jean-baptiste-chambon"
    found = profile_of(built_store, settings, linker, iri, types, "en")
    assert found is not None and found.kind == "person" and len(found.own_work) == 10
    missing = settings.with_(queries_dir=tmp_path / "none")
    assert profile_of(built_store, missing, linker, iri, types, "en") is None
    assert profile_of(built_store, settings, linker, B + "place/x", {"x"}, "en") is None


@pytest.mark.parametrize(
    ("start", "end", "shown"),
    [
        (
            "2023-02-16T09:00:00+01:00",
            "2023-02-16T10:30:00+01:00",
            "2023-02-16, 09:00–10:30 (+01:00)",
        ),
        ("2022-06-28", None, "2022-06-28"),
        ("2023-02-16T09:00:00Z", None, "2023-02-16, 09:00 (Z)"),
        (None, None, None),
    ],
)
def test_the_date_as_read(start: str | None, end: str | None, shown: str | None) -> None:
    assert _read_date(start, end) == shown
