"""No broken links: a crawl of the real server (real build) from `/`, in French and in English,
follows every same-origin `<a href>` of every HTML page and fails on any 4xx or 5xx."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

import httpx
import pytest

from villegraph.store import EmbeddedStore

pytestmark = pytest.mark.slow

MAX_PAGES = 5000
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
"""What a browser sends when it follows a link."""
BASE = "https://w3id.org/villegraph/"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for key, value in attrs if key == "href" and value]


@dataclass
class Crawl:
    visited: dict[str, int] = field(default_factory=dict)
    broken: list[tuple[str, int, str]] = field(default_factory=list)
    """(link, status, the page that links to it)"""
    html_pages: int = 0


def crawl(root: str, language: str) -> Crawl:
    """Breadth-first from `/?lang=…` (which sets the language cookie), same origin only."""
    found = Crawl()
    origin = urlsplit(root).netloc
    queue: deque[tuple[str, str]] = deque([(f"{root}/?lang={language}", "(start)")])
    with httpx.Client(timeout=30, follow_redirects=True) as client:
        while queue and len(found.visited) < MAX_PAGES:
            url, source = queue.popleft()
            if url in found.visited:
                continue
            response = client.get(url, headers={"Accept": BROWSER_ACCEPT})
            found.visited[url] = response.status_code
            if response.status_code >= 400:
                found.broken.append((url, response.status_code, source))
                continue
            if not response.headers.get("content-type", "").startswith("text/html"):
                continue
            found.html_pages += 1
            parser = _Links()
            parser.feed(response.text)
            for href in parser.hrefs:
                target = urldefrag(urljoin(str(response.url), href)).url
                parts = urlsplit(target)
                same_origin = parts.scheme in ("http", "https") and parts.netloc == origin
                if same_origin and target not in found.visited:
                    queue.append((target, url))
    assert len(found.visited) < MAX_PAGES, "the crawl hit its bound"
    return found


@pytest.fixture(scope="module")
def crawls(live_server: str) -> dict[str, Crawl]:
    return {language: crawl(live_server, language) for language in ("fr", "en")}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_no_internal_link_is_broken(crawls: dict[str, Crawl], language: str) -> None:
    found = crawls[language]
    assert found.html_pages > 100
    assert found.broken == []


def test_the_crawl_reaches_every_resource_page(
    crawls: dict[str, Crawl], live_server: str, built_store: EmbeddedStore
) -> None:
    query = """SELECT DISTINCT ?x WHERE {
      VALUES ?class { <http://xmlns.com/foaf/0.1/Person> <http://www.w3.org/ns/org#Organization>
        <https://w3id.org/villegraph/def#Session> <https://w3id.org/villegraph/def#Talk>
        <https://w3id.org/villegraph/def#WebinarSeries> <https://schema.org/Place>
        <https://w3id.org/villegraph/def#Programme> <http://www.w3.org/2004/02/skos/core#Concept>
        <http://www.w3.org/ns/org#Membership> <https://w3id.org/villegraph/def#Passage> }
      ?x a ?class }"""
    resources = [str(row[0]) for row in built_store.select(query).rows]
    assert len(resources) > 100
    for language, found in crawls.items():
        pages = {urlsplit(url).path for url in found.visited}
        paths = {"/" + iri[len(BASE) :] for iri in resources if iri.startswith(BASE)}
        missing = sorted(p for p in paths if p not in pages and p + ".html" not in pages)
        assert missing == [], (language, missing[:5])


def test_network_link_only_where_the_network_has_the_node(live_server: str) -> None:
    person = httpx.get(live_server + "/person/carole-anne-tisserand.html").text
    assert "/graph/?focus=" in person
    for path in (
        "/membership/tisserand-csi.html",
        "/role/researcher.html",
        "/theme/scheme.html",
        "/source/puca-webinaire-seance-5/l76.html",
    ):
        response = httpx.get(live_server + path)
        assert response.status_code == 200, path
        assert "/graph/?focus=" not in response.text, path
