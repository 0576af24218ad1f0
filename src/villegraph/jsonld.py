"""JSON-LD that people can read: the published `@context` and compaction of triples against it.

The context is one file shipped with the package (`villegraph/resources/context.jsonld`), the
same for every build except `vgr:`, the configured base IRI. It is published at
`{base}context.jsonld` (written into each build beside the dumps and served by the web
application), and the JSON-LD dump and documents refer to it by that IRI.

Compaction is done here rather than by a general JSON-LD processor: the context is ours, so each
triple maps to a key and a value by a few rules, fast and always in the same order, which keeps
the dumps reproducible. For a predicate with a term in the context, the term is used when the
value fits it (a link for an `@type: @id` term, a language-tagged or plain string for a language
map, a literal of the term's datatype); any other value goes under the predicate's compact IRI
(`schema:name`), which has no coercion, as an explicit `@id` / `@value` object. Class names in
`@type` are bare in the `vg:` vocabulary (`@vocab`) and compact IRIs elsewhere. The tests expand
the result with pyld (offline) and compare the triples with the N-Triples dump.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from json.encoder import encode_basestring as _string  # type: ignore[attr-defined]
from typing import IO, Any

import pyoxigraph as ox

from villegraph.namespaces import RDF_TYPE, XSD_STRING
from villegraph.resources import CONTEXT_FILE

CONTEXT_NAME = "context.jsonld"
"""The context's file name in a build and its path under the base IRI."""

LINK = "@id"
NO_LANGUAGE = "@none"
_BARE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")
_REMEMBERED = 1 << 16
"""How many compact IRIs a compactor keeps at most (forgets them all when full)."""


@lru_cache(maxsize=1)
def _shipped() -> dict[str, Any]:
    return json.loads(CONTEXT_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def context_document(base_iri: str) -> dict[str, Any]:
    """The context document (`{"@context": {...}}`) with `vgr:` set to `base_iri`."""
    document = copy.deepcopy(_shipped())
    document["@context"]["vgr"] = base_iri
    return document


def context_iri(base_iri: str) -> str:
    """Where the context is published: `{base}context.jsonld`."""
    return base_iri + CONTEXT_NAME


def context_bytes(base_iri: str) -> bytes:
    """The context document as served and written into a build."""
    return _dumps(context_document(base_iri))


@dataclass(frozen=True)
class Term:
    """A term of the context: the key it gives, and what its values must be."""

    name: str
    iri: str
    datatype: str | None = None
    """`@id` for links, a datatype IRI for typed literals, None for no coercion."""
    language_map: bool = False


class Compactor:
    """Turns triples into a compact JSON-LD document under the published context."""

    def __init__(self, base_iri: str) -> None:
        context = context_document(base_iri)["@context"]
        self.base_iri = base_iri
        self.vocab: str = context.get("@vocab", "")
        self.prefixes = {
            name: value
            for name, value in context.items()
            if isinstance(value, str) and not name.startswith("@") and value.endswith(("/", "#"))
        }
        self._namespaces = sorted(self.prefixes.items(), key=lambda item: -len(item[1]))
        self._under: dict[str, list[tuple[str, str]]] = {}
        self._compact: dict[str, str] = {}
        """IRI → its compact IRI, for the IRIs met lately (links repeat: themes, places)."""
        self._types: dict[str, str] = {}
        self.terms: dict[str, Term] = {}
        for name, definition in context.items():
            if name.startswith("@") or name in self.prefixes:
                continue
            term = self._term(name, definition)
            if term.iri in self.terms:
                raise ValueError(f"two terms of the context name {term.iri}")
            self.terms[term.iri] = term
        self._names = {term.name for term in self.terms.values()} | set(self.prefixes)

    def _term(self, name: str, definition: str | dict[str, str]) -> Term:
        if isinstance(definition, str):
            return Term(name, self.expand(definition))
        datatype = definition.get("@type")
        return Term(
            name,
            self.expand(definition["@id"]),
            datatype if datatype in (None, LINK) else self.expand(str(datatype)),
            definition.get("@container") == "@language",
        )

    def expand(self, curie: str) -> str:
        """A full IRI for a compact IRI of the context (or the IRI itself)."""
        prefix, colon, local = curie.partition(":")
        if colon and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return curie

    def compact_iri(self, iri: str) -> str:
        """`prefix:local` for the longest namespace of the context that `iri` is under."""
        found = self._compact.get(iri)
        if found is None:
            if len(self._compact) >= _REMEMBERED:
                self._compact.clear()
            found = self._compact[iri] = self._compact_iri(iri)
        return found

    def _compact_iri(self, iri: str) -> str:
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        head = iri[:cut]
        candidates = self._under.get(head)
        if candidates is None:
            # Namespaces end with "/" or "#": those `iri` is under are those its head is under.
            candidates = self._under[head] = [
                (prefix, namespace)
                for prefix, namespace in self._namespaces
                if head.startswith(namespace)
            ]
        for prefix, namespace in candidates:
            local = iri[len(namespace) :]
            if local and not local.startswith("//"):
                return f"{prefix}:{local}"
        return iri

    def node_id(self, term: ox.NamedNode | ox.BlankNode) -> str:
        if type(term) is ox.BlankNode:
            return f"_:{term.value}"
        return self.compact_iri(term.value)

    def type_name(self, iri: str) -> str:
        """A class for `@type`: bare in the `@vocab` namespace when that name is free."""
        local = iri[len(self.vocab) :]
        vocabulary = bool(self.vocab) and iri.startswith(self.vocab)
        if vocabulary and _BARE.fullmatch(local) and local not in self._names:
            return local
        return self.compact_iri(iri)

    def document(self, triples: Iterable[ox.Triple]) -> dict[str, Any]:
        """`{"@context": <its IRI>, "@graph": [node objects]}`, nodes in first-seen order."""
        nodes: dict[ox.NamedNode | ox.BlankNode, dict[str, Any]] = {}
        for triple in triples:
            subject = triple.subject
            assert not isinstance(subject, ox.Triple)
            node = nodes.setdefault(subject, {"@id": self.node_id(subject)})
            self._put(node, triple)
        return {
            "@context": context_iri(self.base_iri),
            "@graph": [_tidy(n) for n in nodes.values()],
        }

    def _put(self, node: dict[str, Any], triple: ox.Triple) -> None:
        obj = triple.object
        predicate = triple.predicate.value
        if predicate == RDF_TYPE and type(obj) is ox.NamedNode:
            cls = obj.value
            name = self._types.get(cls)
            if name is None:
                name = self._types[cls] = self.type_name(cls)
            node.setdefault("@type", []).append(name)
            return
        self._add(node, predicate, obj)

    def _add(self, node: dict[str, Any], predicate: str, obj: object) -> None:
        term = self.terms.get(predicate)
        if type(obj) is ox.Literal:
            language = obj.language
            plain = language is None and obj.datatype.value == XSD_STRING
            if term is not None and term.language_map and (language or plain):
                values = node.setdefault(term.name, {})
                values.setdefault(language or NO_LANGUAGE, []).append(obj.value)
                return
            if term is not None and not term.language_map:
                if term.datatype is not None and term.datatype == obj.datatype.value:
                    node.setdefault(term.name, []).append(obj.value)
                    return
                if term.datatype is None:
                    node.setdefault(term.name, []).append(self._literal(obj, plain))
                    return
            key = self.compact_iri(predicate)
            node.setdefault(key, []).append(self._literal(obj, plain))
            return
        assert isinstance(obj, ox.NamedNode | ox.BlankNode)
        ref = self.node_id(obj)
        if term is not None and term.datatype == LINK:
            node.setdefault(term.name, []).append(ref)
        elif term is not None and term.datatype is None and not term.language_map:
            node.setdefault(term.name, []).append({"@id": ref})
        else:
            node.setdefault(self.compact_iri(predicate), []).append({"@id": ref})

    def _literal(self, literal: ox.Literal, plain: bool) -> str | dict[str, str]:
        if plain:
            return literal.value
        if literal.language:
            return {"@value": literal.value, "@language": literal.language}
        return {"@value": literal.value, "@type": self.compact_iri(literal.datatype.value)}


def _tidy(node: dict[str, Any]) -> dict[str, Any]:
    """`@id`, `@type`, then the keys in order; one value as itself rather than a list."""
    tidy = {"@id": node["@id"]}
    for key in ["@type", *sorted(k for k in node if not k.startswith("@"))]:
        if key not in node:
            continue
        value = node[key]
        if isinstance(value, dict):
            value = {lang: _single(texts) for lang, texts in sorted(value.items())}
        tidy[key] = _single(value)
    return tidy


def _single(values: Any) -> Any:
    return values[0] if isinstance(values, list) and len(values) == 1 else values


def _dumps(document: dict[str, Any]) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def compact_bytes(triples: Iterable[ox.Triple], base_iri: str) -> bytes:
    """A JSON-LD document of `triples` under the published context, as UTF-8."""
    return _dumps(Compactor(base_iri).document(triples))


def write_compact(triples: Iterable[ox.Triple], base_iri: str, out: IO[bytes]) -> None:
    """Write the JSON-LD document of `triples` (grouped by subject) to `out`, node by node:
    the same document as `compact_bytes` for such triples, never whole in memory."""
    writer = CompactWriter(base_iri, out.write)
    writer.write(triples)
    writer.close()


class CompactWriter:
    """The JSON-LD document of triples grouped by subject, written as they are handed over
    (`write`, any number of times, then `close`): the bytes of `compact_bytes`."""

    def __init__(self, base_iri: str, out: Callable[[bytes], object]) -> None:
        self.compactor = Compactor(base_iri)
        self.out = out
        self.first = True
        self.node: dict[str, Any] | None = None
        self.subject: object = None
        head = {"@context": context_iri(base_iri)}
        out(_dumps(head)[: -len(b"\n}\n")] + b',\n "@graph": [')

    def write(self, triples: Iterable[ox.Triple]) -> None:
        """Add triples; a subject's node is written once the next subject comes."""
        compactor = self.compactor
        put = compactor._put
        node, current = self.node, self.subject
        texts: list[str] = []
        for triple in triples:
            subject = triple.subject
            if node is None or subject != current:
                if node is not None:
                    texts.append(_tidy_text(node))
                assert not isinstance(subject, ox.Triple)
                node, current = {"@id": compactor.node_id(subject)}, subject
            put(node, triple)
        self.node, self.subject = node, current
        self._emit(texts)

    def close(self) -> None:
        """Write the last node and close the document."""
        if self.node is not None:
            self._emit([_tidy_text(self.node)])
            self.node = None
        self.out(b"\n ]\n}\n" if not self.first else b"]\n}\n")

    def _emit(self, texts: list[str]) -> None:
        if not texts:
            return
        joined = ",\n  ".join(texts)
        self.out((("\n  " if self.first else ",\n  ") + joined).encode("utf-8"))
        self.first = False


def node_text(node: dict[str, Any]) -> str:
    """A node object as `json.dumps(node, ensure_ascii=False, indent=1)` writes it, indented
    by two more spaces after each line break (its place in `@graph`); the node's values are
    strings, lists and objects, as `Compactor` makes them."""
    return _text(node, "\n  ")


_PAD = "\n   "
"""A key's place in a node object of `@graph`."""


def _tidy_text(node: dict[str, Any]) -> str:
    """`node_text(_tidy(node))`, without making the tidy node first."""
    items = ['"@id": ' + _string(node["@id"])]
    types = node.get("@type")
    if types is not None:
        items.append('"@type": ' + _list_text(types, _PAD))
    for key in sorted(k for k in node if k[0] != "@"):
        value = node[key]
        if type(value) is dict and value:
            inner = _PAD + " "
            texts = [
                _string(language) + ": " + _list_text(values, inner)
                for language, values in sorted(value.items())
            ]
            text = "{" + inner + ("," + inner).join(texts) + _PAD + "}"
        elif type(value) is list:
            text = _list_text(value, _PAD)
        else:
            text = _text(value, _PAD)
        items.append(_string(key) + ": " + text)
    return "{" + _PAD + ("," + _PAD).join(items) + "\n  }"


def _list_text(values: list[Any], pad: str) -> str:
    """Values of a key: the one value as itself, else a list."""
    if len(values) == 1:
        value = values[0]
        return _string(value) if type(value) is str else _text(value, pad)  # type: ignore[no-any-return]
    return _text(values, pad)


def _text(value: Any, pad: str) -> str:
    kind = type(value)
    if kind is str:
        return _string(value)  # type: ignore[no-any-return]
    inner = pad + " "
    if kind is dict:
        if not value:
            return "{}"
        items = [
            _string(key) + ": " + (_string(item) if type(item) is str else _text(item, inner))
            for key, item in value.items()
        ]
        return "{" + inner + ("," + inner).join(items) + pad + "}"
    if kind is list:
        if not value:
            return "[]"
        texts = [_string(item) if type(item) is str else _text(item, inner) for item in value]
        return "[" + inner + ("," + inner).join(texts) + pad + "]"
    raise TypeError(f"not a value of a node object: {kind.__name__}")


__all__ = [
    "CONTEXT_NAME",
    "CompactWriter",
    "Compactor",
    "Term",
    "compact_bytes",
    "context_bytes",
    "context_document",
    "context_iri",
    "node_text",
    "write_compact",
]
