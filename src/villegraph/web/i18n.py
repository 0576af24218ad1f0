"""The page language (French or English) and the table of the pages' own words.

How the language is chosen, in order: `?lang=fr|en` on the request; else the `lang` cookie; else
the first of `Accept-Language` that the pages speak; else French. Following a link with `?lang=`
(the FR/EN switch of every page) sets the cookie, so the choice survives every later link and
redirect without each link having to carry it; the 303 from a resource IRI to its `.html` keeps
an explicit `?lang=` too, so a shared link in one language stays in that language.

Every word a template shows that does not come from the data is in `MESSAGES`, in both languages;
templates ask for it with `{{ _("key") }}`.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LANGUAGES = ("fr", "en")
COOKIE = "lang"
COOKIE_MAX_AGE = 365 * 24 * 3600

MESSAGES: dict[str, tuple[str, str]] = {
    # header and navigation
    "people": ("Personnes", "People"),
    "organisations": ("Organisations", "Organisations"),
    "themes": ("Thèmes", "Themes"),
    "programme": ("Programme", "Programme"),
    "ontology": ("Ontologie", "Ontology"),
    "ontology_title": ("Ontologie villegraph", "villegraph ontology"),
    "themes_intro": (
        "Chaque thème liste aussi ce qui relève de ses thèmes plus spécifiques.",
        "Each theme also lists what belongs to its narrower themes.",
    ),
    "queries": ("Requêtes", "Queries"),
    "network": ("Réseau", "Network"),
    "dumps": ("Téléchargements", "Dumps"),
    "search": ("Rechercher", "Search"),
    "search_placeholder": ("nom, thème, sigle…", "name, theme, acronym…"),
    "language": ("Langue", "Language"),
    # home
    "home": ("Accueil", "Home"),
    "home_intro": (
        "Un graphe de connaissances du réseau de recherche sur la transition numérique des "
        "villes, tiré de l'annonce d'un cycle de webinaires « acteurs / chercheurs » : personnes, "
        "rôles, laboratoires, institutions, séances, communications, lieux et un thésaurus de "
        "thèmes bilingue. Chaque fait renvoie au passage de la source qui l'énonce.",
        "A knowledge graph of the research network on the digital transition of cities, drawn "
        'from the announcement of a "practitioners / researchers" webinar cycle: people, roles, '
        "labs, institutions, sessions, talks, places and a bilingual theme thesaurus. Every fact "
        "points back to the source passage that states it.",
    ),
    "licence": ("Licence", "Licence"),
    "see_void": ("voir la description VoID", "see the VoID description"),
    "modified": ("modifié le", "modified"),
    "query_sparql": ("Interroger en SPARQL", "Query with SPARQL"),
    "ready_queries": ("Requêtes prêtes à l'emploi", "Ready-made queries"),
    "cycle_programme": ("Programme du cycle de webinaires", "Programme of the webinar cycle"),
    "count_triples": ("triplets", "triples"),
    "count_people": ("personnes", "people"),
    "count_organisations": ("organisations", "organisations"),
    "count_sessions": ("séances", "sessions"),
    "count_talks": ("communications", "talks"),
    "count_themes": ("thèmes", "themes"),
    # resource pages
    "types": ("Types", "Types"),
    "see_in_network": ("Voir dans le réseau", "See in the network view"),
    "source": ("Source", "Source"),
    "line": ("ligne", "line"),
    "lines": ("lignes", "lines"),
    "properties": ("Propriétés", "Properties"),
    "incoming": ("Liens entrants", "Incoming links"),
    "derived_facts": ("Faits dérivés et leurs preuves", "Derived facts and their evidence"),
    "theme": ("Thème", "Theme"),
    "evidence": ("Preuve", "Evidence"),
    "rule": ("Règle", "Rule"),
    "translation": ("traduction", "translation"),
    "translation_note": (
        "traduction du texte imprimé, par villegraph",
        "villegraph's translation of the printed text",
    ),
    "doubts": ("Doutes", "Doubts"),
    "doubtful": ("douteux", "doubtful"),
    "date_as_printed": ("date imprimée", "date as printed"),
    "doubts_intro": (
        "La validation de la construction signale :",
        "The build's validation reports:",
    ),
    # programme
    "programme_title": ("Programme du cycle", "Programme of the cycle"),
    "programme_intro": (
        "Les séances dans l'ordre du programme imprimé, avec la date telle qu'imprimée, la date "
        "lue et les doutes que la validation relève.",
        "The sessions in the order of the printed programme, with the date as printed, the date "
        "as read and the doubts validation raises.",
    ),
    "position": ("Position", "Position"),
    "session_number": ("Séance", "Session"),
    "printed_date": ("Date imprimée", "Printed date"),
    "parsed_date": ("Date lue", "Date as read"),
    "doubt": ("Doute", "Doubt"),
    "title": ("Titre", "Title"),
    "speakers": ("Intervenants", "Speakers"),
    "talks": ("Communications", "Talks"),
    "no_cycle": ("Aucun cycle de webinaires dans le graphe.", "No webinar cycle in the graph."),
    "date_tba": ("date à venir", "date to be announced"),
    # search
    "search_title": ("Recherche", "Search"),
    "search_help": (
        "Cherche dans les noms, libellés, libellés alternatifs et sigles, sans tenir compte des "
        "accents ni des majuscules.",
        "Searches names, labels, alternative labels and acronyms, ignoring accents and case.",
    ),
    "search_results": ("résultat(s) pour", "result(s) for"),
    "search_none": ("Aucun résultat pour", "No result for"),
    "search_hint": (
        "Essayez un mot plus court, un sigle (CNRS, PUCA) ou parcourez les thèmes.",
        "Try a shorter word, an acronym (CNRS, PUCA) or browse the themes.",
    ),
    "search_empty": ("Tapez au moins deux lettres.", "Type at least two letters."),
    "label": ("Libellé", "Label"),
    "kind": ("Sorte", "Kind"),
    "matched": ("trouvé dans", "matched"),
    # queries
    "run": ("Exécuter", "Run"),
    "query": ("Requête", "Query"),
    "noscript_form": (
        "Sans JavaScript, utilisez le formulaire ci-dessous.",
        "Without JavaScript, use the form below.",
    ),
    "truncated": (
        "Résultat tronqué à la limite du serveur.",
        "Result truncated at the server's cap.",
    ),
    "queries_intro": (
        "Les questions des chercheurs, chacune avec un formulaire ; les titres des requêtes sont "
        "en anglais.",
        "The researchers' questions, each with a form.",
    ),
    # dumps
    "dumps_intro": (
        "Le graphe entier, dans chaque format, en clair et compressé.",
        "The whole graph, in each format, plain and compressed.",
    ),
    "file": ("fichier", "file"),
    "media_type": ("type de média", "media type"),
    "bytes": ("octets", "bytes"),
    "quality_report": ("Rapport de validation (doutes)", "Validation report (doubts)"),
    "quality_intro": (
        "Les avertissements SHACL de la construction, aussi publiés dans le graphe nommé "
        "graph/quality.",
        "The build's SHACL warnings, also published in the named graph graph/quality.",
    ),
    "build": ("Construction", "Build"),
    # errors
    "not_found": ("Introuvable", "Not found"),
    "back_home": ("Retour à l'accueil", "Back to the home page"),
}


def message(key: str, language: str) -> str:
    """The page word `key` in `language` (French for any language the pages do not speak)."""
    french, english = MESSAGES[key]
    return english if language == "en" else french


def translator(language: str) -> Callable[[str], str]:
    """`_` for templates: key → the word in `language`."""
    return lambda key: message(key, language)


def chosen_language(request: Request) -> str:
    """`?lang=`, else the `lang` cookie, else the first of Accept-Language we have, else French."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "fr"


class LanguageCookie:
    """ASGI middleware: a request with `?lang=fr|en` sets the `lang` cookie on its response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked = Request(scope).query_params.get("lang", "")
        if asked not in LANGUAGES:
            await self.app(scope, receive, send)
            return

        async def with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.append(
                    "Set-Cookie",
                    f"{COOKIE}={asked}; Path=/; Max-Age={COOKIE_MAX_AGE}; SameSite=Lax",
                )
            await send(message)

        await self.app(scope, receive, with_cookie)


__all__ = [
    "COOKIE",
    "LANGUAGES",
    "MESSAGES",
    "LanguageCookie",
    "chosen_language",
    "message",
    "translator",
]
