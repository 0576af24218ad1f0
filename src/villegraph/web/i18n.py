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
from urllib.parse import unquote_to_bytes

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
    "individuals": ("Individus", "Individuals"),
    "incoming": ("Liens entrants", "Incoming links"),
    "derived_facts": ("Faits dérivés et leurs preuves", "Derived facts and their evidence"),
    "profile_answers": ("Réponses", "Answers"),
    "cycles": ("Cycles", "Cycles"),
    "sessions": ("Séances", "Sessions"),
    "choices_cut": (
        "Seuls les {shown} premiers (par nom) sont proposés : saisissez l'IRI d'un autre, "
        "ou cherchez-le",
        "Only the first {shown} (by name) are offered: type another one's IRI, or search for it",
    ),
    "cut_notice": (
        "Listes coupées sur cette page (leurs premières lignes seulement) :",
        "Lists cut short on this page (their first rows only):",
    ),
    "cut_whole": (
        "la réponse entière est au point d'accès SPARQL",
        "the whole answer is at the SPARQL endpoint",
    ),
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
    "all_facts": ("Toutes les données", "All the facts"),
    "level": ("Niveau", "Level"),
    # profiles: person
    "affiliations": ("Rattachements", "Affiliations"),
    "gives_no_talk": (
        "Ne présente aucune communication titrée.",
        "Gives no titled talk.",
    ),
    "speaks_in": ("Intervient dans", "Speaks in"),
    "own_work": ("Travail propre", "Own work"),
    "own_work_intro": (
        "Les thèmes qu'énoncent ses propres communications ou son rôle tel que la source le "
        "décrit, avec les mots de la source ; les thèmes plus généraux sont agrégés depuis eux.",
        "The themes their own talks or their role as the source describes it state, in the "
        "source's words; broader themes are rolled up from them.",
    ),
    "no_own_work": (
        "Aucune communication ni aucun rôle cité n'énonce de thème de son travail.",
        "No talk and no quoted role states a theme of their work.",
    ),
    "rolled_up": ("agrégé", "rolled up"),
    "via": ("via", "via"),
    "evidence_talk": ("communication", "talk"),
    "evidence_role": ("rôle", "role"),
    "evidence_session": ("séance", "session"),
    "session_context": ("Contexte de séance", "Session context"),
    "session_context_label": ("contexte de séance", "session context"),
    "session_context_intro": (
        "Les thèmes de la description d'une séance où la personne intervient : le contexte de "
        "son intervention, pas des thèmes de son propre travail.",
        "The themes of the description of a session they speak in: the context of their talk, "
        "not themes of their own work.",
    ),
    "session_context_not_repeated": (
        "Les thèmes déjà listés comme travail propre ne sont pas répétés.",
        "Themes already listed as own work are not repeated.",
    ),
    "co_speakers": ("Co-intervenants", "Co-speakers"),
    # profiles: theme
    "works_on_it": ("Qui y travaille", "Who works on it"),
    "works_on_it_intro": (
        "Les personnes dont le travail propre (une communication, un rôle cité) énonce ce thème "
        "ou un thème plus spécifique, classées par score : le nombre de communications et de "
        "rôles qui l'énoncent.",
        "The people whose own work (a talk, a quoted role) states this theme or a narrower one, "
        "ranked by score: the number of talks and roles that state it.",
    ),
    "nobody_own_work": (
        "Personne : aucune communication ni aucun rôle cité n'énonce ce thème ni un thème plus "
        "spécifique.",
        "Nobody: no talk and no quoted role states this theme or a narrower one.",
    ),
    "score": ("score", "score"),
    "organisations_through_members": (
        "Organisations, par le travail de leurs membres",
        "Organisations, through their members' work",
    ),
    "through": ("par", "through"),
    "members_word": ("membre(s)", "member(s)"),
    "talks_word": ("communication(s)", "talk(s)"),
    "through_units": ("y compris par ses sous-organisations", "including through its units"),
    "related_themes": ("Thèmes voisins", "Related themes"),
    "broader_themes": ("Plus généraux", "Broader"),
    "narrower_themes": ("Plus spécifiques", "Narrower"),
    "context_people_intro": (
        "Les personnes intervenues dans une séance dont la description a ce thème : c'est le "
        "contexte de leur intervention, pas leur propre travail.",
        "The people who spoke in a session whose description has this theme: the context of "
        "their talk, not their own work.",
    ),
    # profiles: session
    "when": ("Quand", "When"),
    "cycle": ("Cycle", "Series"),
    "no_titled_talk": ("sans communication titrée", "no titled talk"),
    "given_by": ("présentée par", "given by"),
    "session_themes": ("Thèmes de la séance", "Themes of the session"),
    "session_themes_intro": (
        "Les thèmes qu'énonce la description générale de la séance : un contexte de séance "
        "pour ses intervenants, pas leur propre travail.",
        "The themes the session's general description states: session context for its "
        "speakers, not their own work.",
    ),
    # profiles: talk
    "in_session": ("dans la séance", "in the session"),
    "studies": ("Terrain", "Studies"),
    "talk_themes": ("Thèmes de la communication", "Themes of the talk"),
    "talk_themes_intro": (
        "Les thèmes qu'énoncent son titre ou son résumé, avec les mots de la source : le travail "
        "propre de qui la présente.",
        "The themes its title or abstract states, in the source's words: the own work of whoever "
        "gives it.",
    ),
    # profiles: organisation
    "part_of": ("Fait partie de", "Part of"),
    "sub_organisations": ("Sous-organisations", "Sub-organisations"),
    "partners": ("Partenaires", "Partners"),
    "members": ("Membres", "Members"),
    "no_members": (
        "Aucun membre dans le graphe, ni directement ni par une sous-organisation.",
        "No member in the graph, directly or through a sub-organisation.",
    ),
    "in_unit": ("à", "at"),
    "member_themes": ("Thèmes du travail de ses membres", "Themes of its members' work"),
    "member_themes_intro": (
        "Les thèmes du travail propre de ses membres, directs ou dans ses sous-organisations, "
        "avec le nombre de membres et de communications derrière chacun.",
        "The themes of its members' own work, direct or in its sub-organisations, with the "
        "number of members and talks behind each.",
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
    "search_all": ("Les {total} résultats", "All {total} results"),
    "search_first": (
        "les {shown} meilleurs sont montrés : précisez la recherche pour voir les autres",
        "the best {shown} are shown: make the search more precise to see the others",
    ),
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
        "Les questions des chercheurs, chacune avec un formulaire.",
        "The researchers' questions, each with a form.",
    ),
    "in_other_language": ("en anglais", "in French"),
    "page_rows": ("lignes {first} à {last}", "rows {first} to {last}"),
    "page_more": (
        "Résultat coupé : d'autres lignes suivent.",
        "Result cut short: more rows follow.",
    ),
    "next_page": ("Page suivante", "Next page"),
    "previous_page": ("Page précédente", "Previous page"),
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


def _may_name_language(query_string: bytes) -> bool:
    """Whether a parameter of `query_string` is named `lang` (percent-escapes decoded), found
    without parsing the values: on /sparql they hold the whole query text."""
    return any(
        len(name) <= 12 and unquote_to_bytes(name.replace(b"+", b" ")) == b"lang"
        for name in (pair.partition(b"=")[0] for pair in query_string.split(b"&"))
    )


class LanguageCookie:
    """ASGI middleware: a request with `?lang=fr|en` sets the `lang` cookie on its response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _may_name_language(scope.get("query_string", b"")):
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
