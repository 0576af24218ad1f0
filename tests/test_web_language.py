"""Both languages everywhere: the choice (?lang=, then the cookie) survives redirects and links;
every page speaks French and English; the pages' words come from one table."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from villegraph.web.i18n import MESSAGES

TEMPLATES = Path(__file__).resolve().parents[1] / "src" / "villegraph" / "web" / "templates"
PAGES = {
    "/": ("Requêtes prêtes à l&#39;emploi", "Ready-made queries"),
    "/queries/": ("Requêtes", "Queries"),
    "/queries/programme": ("Exécuter", "Run"),
    "/dumps/": ("Téléchargements", "Dumps"),
    "/programme": ("Programme du cycle", "Programme of the cycle"),
    "/search?q=ada": ("résultat(s) pour", "result(s) for"),
    "/person/ada-test.html": ("Propriétés", "Properties"),
    "/person/evil.html": ("Travail propre", "Own work"),
    "/theme/participation.html": ("Qui y travaille", "Who works on it"),
    "/org/lab.html": ("Membres", "Members"),
    "/themes": ("Thèmes", "Themes"),
    "/def": ("Ontologie villegraph", "villegraph ontology"),
    "/query": ("Requête", "Query"),
    "/person/nobody.html": ("Introuvable", "Not found"),
}


@pytest.mark.parametrize("path", sorted(PAGES))
def test_every_page_in_both_languages(web_server: str, path: str) -> None:
    french, english = PAGES[path]
    sep = "&" if "?" in path else "?"
    fr = httpx.get(f"{web_server}{path}{sep}lang=fr", headers={"Accept": "text/html"})
    en = httpx.get(f"{web_server}{path}{sep}lang=en", headers={"Accept": "text/html"})
    assert '<html lang="fr">' in fr.text and french in fr.text
    assert '<html lang="en">' in en.text and english in en.text


def test_the_choice_survives_the_303_and_later_links(web_server: str) -> None:
    with httpx.Client(base_url=web_server) as client:
        redirect = client.get("/person/ada-test?lang=en", headers={"Accept": "text/html"})
        assert redirect.status_code == 303
        assert redirect.headers["location"] == "/person/ada-test.html?lang=en"
        assert "lang=en" in redirect.headers["set-cookie"]
        later = client.get("/org/lab", headers={"Accept": "text/html"}, follow_redirects=True)
        assert "<h1>Test lab</h1>" in later.text, "the cookie keeps English without ?lang="
        assert "cookie" in later.headers["vary"].lower()
        client.get("/?lang=fr")
        assert "<h1>Laboratoire d&#39;essai</h1>" in client.get("/org/lab.html").text


def test_a_bad_language_sets_nothing(web_server: str) -> None:
    response = httpx.get(web_server + "/?lang=<b>")
    assert "set-cookie" not in response.headers and "<b>" not in response.text


def test_the_network_page_follows_the_cookie(web_server: str) -> None:
    with httpx.Client(base_url=web_server) as client:
        client.get("/?lang=en")
        page = client.get("/graph/").text
        assert '"lang": "en"' in page or '"lang":"en"' in page


def test_templates_use_only_known_words() -> None:
    used = set()
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        used |= set(re.findall(r"""_\(\s*["']([a-z_]+)["']\s*\)""", text))
        assert not re.search(r'if lang == "fr" else', text), template.name
    assert used and used <= set(MESSAGES), used - set(MESSAGES)
    assert all(fr.strip() and en.strip() for fr, en in MESSAGES.values())
