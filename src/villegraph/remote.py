"""A remote SPARQL 1.1 endpoint behind the `Store` interface, and loading graphs into it.

Requests are plain SPARQL 1.1 Protocol POSTs (form-encoded `query=` or `update=`) sent with
urllib: JSON results; N-Triples for CONSTRUCT so that stores which canonicalise literals in
Turtle, like Virtuoso, do not lose datatypes. Parameters are bound with a VALUES block
(`villegraph.queries.bind_values`), never by formatting strings.

Every HTTP request has one total deadline (`timeout` seconds): connecting, sending, the status
line and headers, and the whole body. Each socket operation waits at most the time left
(`Deadline`), so an endpoint that answers one byte a second cannot hold a caller past it.
An authentication round trip or a redirect belongs to the request that caused it.

Writing uses the SPARQL 1.1 Graph Store HTTP Protocol when a GSP URL is given (PUT the first
chunk, POST the rest), else SPARQL Update (`DROP SILENT GRAPH`, then `INSERT DATA` chunks).
Triples with blank nodes all travel in one chunk so that a blank node keeps one identity.

Errors: an unreachable endpoint, a refusal (401/403/404/5xx) → `StoreError`; a request past its
deadline → `QueryTimeout`; a query the endpoint rejects as malformed → `QueryError`; a result the
endpoint cut short (Virtuoso's `ResultSetMaxRows`, signalled only by an `X-SPARQL-MaxRows`
header on an HTTP 200) → `ResultTruncated`.
"""

from __future__ import annotations

import base64
import functools
import http.client
import io
import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Sequence
from email.message import Message
from typing import Any, Literal

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.term import Identifier

from villegraph import __version__
from villegraph.errors import QueryError, QueryTimeout, ResultTruncated, StoreError, UsageError
from villegraph.formats import BY_MEDIA_TYPE, JSONLD, NTRIPLES, SPARQL_JSON
from villegraph.store import Bindings, SelectResult

MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
ASK_RETVAL = "__ASK_RETVAL"
PARTIAL_STATE_HEADER = "X-SQL-State"
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
DEFAULT_CHUNK = 50_000
USER_AGENT = f"villegraph/{__version__}"
JSON_RESULTS = f"{SPARQL_JSON}, application/json;q=0.9"
ERROR_BODY_BYTES = 8192
UNION_ADVICE = (
    "make the default graph the union of the named graphs"
    " (Oxigraph: `oxigraph serve --union-default-graph`;"
    " Fuseki: `tdb2:unionDefaultGraph true`; Virtuoso does so by default)"
)
Auth = Literal["basic", "digest"]


class RemoteStore:
    """A SPARQL 1.1 endpoint (Virtuoso, Oxigraph server, Fuseki, GraphDB, QLever, …).

    `graph_prefix` limits `graphs()` and `triple_count()` to the named graphs villegraph wrote
    (a server also holds its own system graphs). Queries expect the default graph to be the union
    of the named graphs, as in the embedded store: Virtuoso does this by default, Oxigraph with
    `--union-default-graph`, Fuseki with `tdb2:unionDefaultGraph true`
    (`default_graph_is_union` checks it). `timeout` is the total deadline of each HTTP request.
    """

    def __init__(
        self,
        endpoint: str,
        *,
        timeout: float,
        user: str | None = None,
        password: str | None = None,
        auth: Auth = "digest",
        update_endpoint: str | None = None,
        gsp_endpoint: str | None = None,
        graph_prefix: str | None = None,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise UsageError(f"endpoint {endpoint!r} is not an http(s) URL")
        if timeout <= 0:
            raise UsageError(f"timeout {timeout:g} must be positive")
        self.endpoint = endpoint
        self.timeout = timeout
        self.user = user
        self.password = password
        self.auth = auth
        self.update_endpoint = update_endpoint
        self.gsp_endpoint = gsp_endpoint
        self.graph_prefix = graph_prefix

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    # --- transport -------------------------------------------------------------------------

    def _opener(
        self, deadline: Deadline, url: str, *, any_scheme: bool = False
    ) -> urllib.request.OpenerDirector:
        """A urllib opener whose connections keep to `deadline`, with this store's credentials.

        SPARQL requests answer only the chosen scheme's challenge (Basic is also sent up front);
        Graph Store uploads (`any_scheme`), already signed by `_PreemptiveAuth` with the scheme
        the server asked for, answer either.
        """
        handlers: list[urllib.request.BaseHandler] = []
        if self.user is not None:
            passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            passwords.add_password(None, url, self.user, self.password or "")
            if any_scheme or self.auth == "digest":
                handlers.append(urllib.request.HTTPDigestAuthHandler(passwords))
            if any_scheme or self.auth == "basic":
                handlers.append(urllib.request.HTTPBasicAuthHandler(passwords))
        return _plain_opener(deadline, *handlers)

    def _exchange(
        self,
        url: str,
        request: urllib.request.Request,
        timeout: float | None = None,
        *,
        sparql: bool = True,
    ) -> tuple[Message, bytes]:
        """Send `request` and read the whole answer within one deadline: (headers, body)."""
        seconds = timeout if timeout is not None else self.timeout
        deadline = Deadline(seconds)
        if sparql and self.user is not None and self.auth == "basic":
            basic = _basic(self.user or "", self.password or "")
            request.add_unredirected_header("Authorization", basic)
        opener = self._opener(deadline, url, any_scheme=not sparql)

        def call() -> tuple[Message, bytes]:
            with opener.open(request, timeout=deadline.left()) as response:
                return response.headers, response.read()

        return _guard(url, seconds, call, sparql=sparql)

    def _send(
        self, query: str, bindings: Bindings | None, timeout: float | None, accept: str
    ) -> tuple[Message, bytes]:
        from villegraph.queries import bind_values

        text = bind_values(query, bindings) if bindings else query
        return self._exchange(self.endpoint, _form(self.endpoint, "query", text, accept), timeout)

    # --- reading ---------------------------------------------------------------------------

    def select(
        self,
        query: str,
        bindings: Bindings | None = None,
        *,
        timeout: float | None = None,
        max_rows: int | None = None,
    ) -> SelectResult:
        headers, body = self._send(query, bindings, timeout, JSON_RESULTS)
        payload = _read_json(self.endpoint, body)
        if "results" not in payload:
            raise QueryError(f"{self.endpoint}: not a SELECT result (is the query an ASK?)")
        variables = list(payload.get("head", {}).get("vars", []))
        bindings_list = payload["results"].get("bindings", [])
        _check_cap(self.endpoint, headers, len(bindings_list))
        rows: list[tuple[Identifier | None, ...]] = []
        truncated = False
        for solution in bindings_list:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(
                tuple(json_to_term(solution[v]) if v in solution else None for v in variables)
            )
        return SelectResult(variables, rows, truncated)

    def ask(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> bool:
        _, body = self._send(query, bindings, timeout, JSON_RESULTS)
        payload = _read_json(self.endpoint, body)
        if "boolean" in payload:
            return bool(payload["boolean"])
        # Virtuoso 7 answers ASK in JSON as a SELECT of `__ASK_RETVAL`: one row 1, or no row.
        rows = payload.get("results", {}).get("bindings", [])
        if payload.get("head", {}).get("vars") == [ASK_RETVAL]:
            return any(row.get(ASK_RETVAL, {}).get("value") not in ("0", "false") for row in rows)
        raise QueryError(f"{self.endpoint}: not an ASK result")

    def construct(
        self, query: str, bindings: Bindings | None = None, *, timeout: float | None = None
    ) -> Graph:
        headers, body = self._send(query, bindings, timeout, NTRIPLES.media_type)
        media = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        known = BY_MEDIA_TYPE.get(media)
        rdflib_format = known.rdflib if known is not None and not known.quads else None
        if known is JSONLD:
            rdflib_format = JSONLD.rdflib
        if rdflib_format is None:
            raise StoreError(f"{self.endpoint}: CONSTRUCT answered with {media or 'no type'}")
        graph = Graph()
        try:
            graph.parse(data=body, format=rdflib_format)
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"{self.endpoint}: unreadable CONSTRUCT result: {error}") from None
        _check_cap(self.endpoint, headers, len(graph))
        return graph

    def graph_counts(self) -> dict[str, int]:
        """Triples per named graph (those under `graph_prefix` when it is set)."""
        result = self.select(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        )
        counts = {str(g): int(n) for g, n in result.rows if g is not None and n is not None}
        if self.graph_prefix:
            counts = {g: n for g, n in counts.items() if g.startswith(self.graph_prefix)}
        return counts

    def triple_count(self, graph: str | None = None) -> int:
        if graph is None:
            return sum(self.graph_counts().values())
        result = self.select(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": URIRef(graph)}
        )
        value = result.rows[0][0] if result.rows else None
        return int(value) if value is not None else 0

    def graphs(self) -> Sequence[str]:
        return sorted(self.graph_counts())

    def default_graph_is_union(self, sample: tuple[URIRef, URIRef] | None = None) -> bool | None:
        """Whether a query without GRAPH sees the triples of the named graphs.

        `sample` is the subject and predicate of a triple known to be in a named graph; without
        it one is read from a named graph under `graph_prefix` (None when there is none: nothing
        to tell). Then an ASK on the default graph looks for it. Two small requests at most, each
        within the deadline.
        """
        if sample is None:
            text = "SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isIRI(?s)) } LIMIT 1"
            bindings: dict[str, Identifier] = {}
            if self.graph_prefix:
                text = (
                    "SELECT ?s ?p WHERE { GRAPH ?g { ?s ?p ?o }"
                    " FILTER(isIRI(?s) && STRSTARTS(STR(?g), ?prefix)) } LIMIT 1"
                )
                bindings["prefix"] = RdfLiteral(self.graph_prefix)
            rows = self.select(text, bindings).rows
            if not rows:
                return None
            subject, predicate = rows[0][0], rows[0][1]
            if not isinstance(subject, URIRef) or not isinstance(predicate, URIRef):
                return None
            sample = (subject, predicate)
        return self.ask("ASK { ?s ?p ?o }", {"s": sample[0], "p": sample[1]})

    def check_default_graph(self) -> None:
        """StoreError when the default graph leaves out the named graphs (queries find nothing)."""
        if self.default_graph_is_union() is False:
            raise StoreError(not_union_message(self.endpoint))

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""

    # --- writing ---------------------------------------------------------------------------

    def replace_graph(
        self,
        graph: str,
        triples: Sequence[ox.Triple],
        *,
        chunk_size: int = DEFAULT_CHUNK,
        on_chunk: Callable[[int, int], None] | None = None,
    ) -> int:
        """Make named graph `graph` hold exactly `triples`; returns the count read back.

        Idempotent: the graph is replaced, not added to. Raises StoreError when the endpoint
        reports another count afterwards.
        """
        chunks = list(chunk_triples(triples, chunk_size))
        if self.gsp_endpoint:
            self._gsp_replace(graph, chunks, on_chunk)
        elif self.update_endpoint:
            self._update_replace(graph, chunks, on_chunk)
        else:
            raise UsageError("no way to write: give a Graph Store URL or an update endpoint")
        expected = len(set(triples))
        found = self.triple_count(graph)
        if found != expected:
            raise StoreError(
                f"{self.endpoint}: graph <{graph}> holds {found} triples after loading,"
                f" expected {expected}"
            )
        return found

    def _gsp_replace(
        self,
        graph: str,
        chunks: list[list[ox.Triple]],
        on_chunk: Callable[[int, int], None] | None,
    ) -> None:
        assert self.gsp_endpoint is not None
        gsp = self.gsp_endpoint
        separator = "&" if "?" in gsp else "?"
        url = gsp + separator + urllib.parse.urlencode({"graph": graph})
        # the challenge must reach _PreemptiveAuth, not be answered by an auth handler
        auth = _PreemptiveAuth(url, self.user, self.password, self.timeout, _plain_opener)
        for index, chunk in enumerate(chunks or [[]]):
            body = ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) if chunk else b""
            request = urllib.request.Request(
                url,
                data=body,
                method="PUT" if index == 0 else "POST",
                headers={"Content-Type": "application/n-triples", "User-Agent": USER_AGENT},
            )
            _guard(gsp, self.timeout, functools.partial(auth.sign, request), sparql=False)
            self._exchange(url, request, sparql=False)
            if on_chunk:
                on_chunk(index + 1, len(chunks))

    def _update_replace(
        self,
        graph: str,
        chunks: list[list[ox.Triple]],
        on_chunk: Callable[[int, int], None] | None,
    ) -> None:
        from villegraph.queries import term_to_sparql

        target = term_to_sparql(URIRef(graph))
        self.update(f"DROP SILENT GRAPH {target}")
        for index, chunk in enumerate(chunks):
            data = (ox.serialize(chunk, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
            if _has_blank(chunk):
                # INSERT DATA may not hold blank nodes on some stores (Virtuoso): a template does.
                self.update(f"INSERT {{ GRAPH {target} {{\n{data}}} }} WHERE {{}}")
            else:
                self.update(f"INSERT DATA {{ GRAPH {target} {{\n{data}}} }}")
            if on_chunk:
                on_chunk(index + 1, len(chunks))

    def update(self, update: str) -> None:
        """Run one SPARQL Update request on the update endpoint, within the deadline."""
        if not self.update_endpoint:
            raise UsageError("no update endpoint configured")
        request = _form(self.update_endpoint, "update", update, "*/*")
        self._exchange(self.update_endpoint, request)


def not_union_message(endpoint: str) -> str:
    """One line: the endpoint's default graph leaves out the named graphs, and what to do."""
    return (
        f"{endpoint}: the default graph does not include the named graphs, so queries would"
        f" answer nothing; {UNION_ADVICE}"
    )


class _PreemptiveAuth:
    """Credentials sent with the first attempt of each upload.

    A server that refuses an unauthenticated upload may answer 401 and close the socket before
    reading the body, which breaks the usual challenge-then-retry. An empty POST (a no-op for the
    Graph Store Protocol) fetches the challenge once; each upload is then signed up front
    (Digest with an increasing nonce count, or Basic).
    """

    def __init__(
        self,
        url: str,
        user: str | None,
        password: str | None,
        timeout: float,
        opener: Callable[[Deadline], urllib.request.OpenerDirector],
    ) -> None:
        self.url = url
        self.user = user
        self.password = password or ""
        self.timeout = timeout
        self.opener = opener
        self.challenge: dict[str, str] | None = None
        self.scheme: str | None = None
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, url, user or "", self.password)
        self.digest = urllib.request.HTTPDigestAuthHandler(passwords)

    def _fetch_challenge(self) -> None:
        probe = self._empty_post()
        self.scheme = ""
        try:
            _drain(self.opener, probe, self.timeout)
        except urllib.error.HTTPError as error:
            header = error.headers.get("WWW-Authenticate", "") if error.code == 401 else ""
            error.close()
            scheme, _, rest = header.partition(" ")
            self.scheme = scheme.lower()
            if self.scheme == "digest":
                items = urllib.request.parse_http_list(rest)
                self.challenge = urllib.request.parse_keqv_list(items)

    def _empty_post(self) -> urllib.request.Request:
        return urllib.request.Request(
            self.url, data=b"", method="POST", headers={"Content-Type": "application/n-triples"}
        )

    def sign(self, request: urllib.request.Request) -> None:
        """Add an Authorization header to `request` when the server asks for one."""
        if self.user is None:
            return
        if self.scheme is None:
            self._fetch_challenge()
            if self.scheme:  # check the credentials once, on an empty body
                check = self._empty_post()
                self._add_header(check)
                _drain(self.opener, check, self.timeout)
        self._add_header(request)

    def _add_header(self, request: urllib.request.Request) -> None:
        if self.scheme == "digest" and self.challenge is not None:
            value = self.digest.get_authorization(request, self.challenge)
            if value:
                request.add_unredirected_header("Authorization", "Digest " + value)
        elif self.scheme == "basic":
            basic = _basic(self.user or "", self.password or "")
            request.add_unredirected_header("Authorization", basic)


def _drain(
    opener: Callable[[Deadline], urllib.request.OpenerDirector],
    request: urllib.request.Request,
    timeout: float,
) -> None:
    """Send `request` and read its answer through an opener bound to a new deadline."""
    deadline = Deadline(timeout)
    with opener(deadline).open(request, timeout=deadline.left()) as response:
        response.read()


def _plain_opener(
    deadline: Deadline, *handlers: urllib.request.BaseHandler
) -> urllib.request.OpenerDirector:
    """A urllib opener whose HTTP(S) connections keep to `deadline`, plus `handlers`."""
    return urllib.request.build_opener(
        _DeadlineHTTPHandler(deadline), _DeadlineHTTPSHandler(deadline), *handlers
    )


def _basic(user: str, password: str | None) -> str:
    token = base64.b64encode(f"{user}:{password or ''}".encode()).decode("ascii")
    return "Basic " + token


def _form(url: str, field: str, text: str, accept: str) -> urllib.request.Request:
    """A SPARQL 1.1 Protocol POST with a form-encoded `query` or `update`."""
    return urllib.request.Request(
        url,
        data=urllib.parse.urlencode({field: text}).encode("ascii"),
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Accept": accept,
            "User-Agent": USER_AGENT,
        },
    )


# --- a total deadline for each HTTP request -------------------------------------------------


class Deadline:
    """The moment (monotonic clock) by which a whole HTTP exchange must be over."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        """Seconds left; TimeoutError once there are none."""
        left = self.end - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"the {self.seconds:g} s deadline passed")
        return left


class _DeadlineSocket:
    """A connected socket whose every send and receive waits at most the time left.

    http.client reads the status line, the headers and the body through `makefile()`; the file
    given here receives through `recv_into`, so each of those reads is bounded as well. The
    socket closes once both it and every file made from it are closed, like a real one.
    """

    def __init__(self, sock: socket.socket, deadline: Deadline) -> None:
        self._sock = sock
        self._deadline = deadline
        self._files = 0
        self._closing = False

    def sendall(self, data: Any) -> None:
        self._sock.settimeout(self._deadline.left())
        self._sock.sendall(data)

    def recv_into(self, buffer: Any) -> int:
        self._sock.settimeout(self._deadline.left())
        return self._sock.recv_into(buffer)

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        if mode != "rb":
            raise ValueError(f"mode {mode!r}: only 'rb' is supported")
        self._files += 1
        return io.BufferedReader(_DeadlineReader(self))

    def file_closed(self) -> None:
        self._files -= 1
        if self._closing and self._files <= 0:
            self._sock.close()

    def close(self) -> None:
        self._closing = True
        if self._files <= 0:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineReader(io.RawIOBase):
    """The raw file under an HTTP response: every read keeps to the socket's deadline."""

    def __init__(self, sock: _DeadlineSocket) -> None:
        super().__init__()
        self._sock = sock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self._sock.file_closed()
        super().close()


class _DeadlineConnection(http.client.HTTPConnection):
    """An HTTP connection that connects, sends and reads within `deadline`."""

    def __init__(self, host: str, *, deadline: Deadline, **kwargs: Any) -> None:
        kwargs["timeout"] = deadline.left()
        super().__init__(host, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = self.deadline.left()
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline)  # type: ignore[assignment]


class _DeadlineTLSConnection(http.client.HTTPSConnection):
    """An HTTPS connection that connects, shakes hands, sends and reads within `deadline`."""

    def __init__(self, host: str, *, deadline: Deadline, **kwargs: Any) -> None:
        kwargs["timeout"] = deadline.left()
        kwargs.pop("check_hostname", None)
        super().__init__(host, **kwargs)
        self.deadline = deadline

    def connect(self) -> None:
        self.timeout = self.deadline.left()
        super().connect()
        self.sock = _DeadlineSocket(self.sock, self.deadline)  # type: ignore[assignment]


class _DeadlineHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(functools.partial(_DeadlineConnection, deadline=self.deadline), req)


class _DeadlineHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, deadline: Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        connection = functools.partial(_DeadlineTLSConnection, deadline=self.deadline)
        return self.do_open(connection, req, context=self._context)  # type: ignore[attr-defined]


def chunk_triples(triples: Iterable[ox.Triple], size: int) -> Iterator[list[ox.Triple]]:
    """Bounded chunks of `size` triples; every triple with a blank node goes in the last one."""
    if size < 1:
        raise UsageError(f"chunk size {size} must be positive")
    chunk: list[ox.Triple] = []
    with_blanks: list[ox.Triple] = []
    for triple in triples:
        if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
            with_blanks.append(triple)
            continue
        chunk.append(triple)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk
    if with_blanks:
        yield with_blanks


def read_quads_by_graph(path: str) -> dict[str, list[ox.Triple]]:
    """The triples of each named graph in an N-Quads file (the default graph under "")."""
    graphs: dict[str, list[ox.Triple]] = {}
    try:
        for quad in ox.parse(path=path, format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            graphs.setdefault(name, []).append(quad.triple)
    except (SyntaxError, OSError) as error:
        from villegraph.errors import InputError

        raise InputError(str(error), path) from None
    return graphs


def json_to_term(value: dict[str, Any]) -> Identifier:
    """An rdflib term from one SPARQL 1.1 JSON results binding."""
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        if "xml:lang" in value:
            return RdfLiteral(text, lang=value["xml:lang"])
        datatype = value.get("datatype")
        if datatype and datatype != str(XSD_STRING):
            return RdfLiteral(text, datatype=URIRef(datatype))
        return RdfLiteral(text)
    raise StoreError(f"unknown term type {kind!r} in a SPARQL JSON result")


def _read_json(endpoint: str, body: bytes) -> dict[str, Any]:
    try:
        return json.loads(body)
    except ValueError as error:
        raise StoreError(f"{endpoint}: unreadable SPARQL JSON result ({error})") from None


def _check_cap(endpoint: str, headers: Message, count: int) -> None:
    """Raise ResultTruncated when the endpoint says it capped the answer at `count` rows."""
    if headers.get(PARTIAL_STATE_HEADER):
        # Virtuoso's "anytime" queries: partial results on HTTP 200 after its execution limit.
        raise ResultTruncated(
            f"{endpoint}: the endpoint returned partial results"
            f" ({headers.get(PARTIAL_STATE_HEADER)}: {headers.get('X-SQL-Message', '')})"
        )
    header = headers.get(MAX_ROWS_HEADER)
    if header is None:
        return
    try:
        cap = int(header)
    except ValueError:
        cap = count
    if count >= cap:
        raise ResultTruncated(
            f"{endpoint}: the endpoint cut the result at {cap} rows ({MAX_ROWS_HEADER});"
            " raise its row limit (Virtuoso: [SPARQL] ResultSetMaxRows) or page with LIMIT/OFFSET"
        )


def _guard(endpoint: str, timeout: float, call: Callable[[], Any], *, sparql: bool = True) -> Any:
    """Run `call`, mapping transport and HTTP failures to villegraph errors.

    `sparql`: the request carried a query or an update, so HTTP 400 means the endpoint rejected
    its text (QueryError) rather than refused the request.
    """
    try:
        return call()
    except urllib.error.HTTPError as error:
        raise _http_error(endpoint, error, sparql) from None
    except TimeoutError:
        raise _late(endpoint, timeout) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            raise _late(endpoint, timeout) from None
        if isinstance(error.reason, (ConnectionResetError, BrokenPipeError)):
            raise StoreError(f"{endpoint} closed the connection: {error.reason}") from None
        raise StoreError(f"{endpoint} is unreachable: {error.reason}") from None
    except ConnectionError as error:
        raise StoreError(f"{endpoint} closed the connection: {error}") from None
    except http.client.HTTPException as error:
        raise StoreError(f"{endpoint} sent a broken HTTP answer ({type(error).__name__})") from None
    except OSError as error:
        raise StoreError(f"{endpoint}: connection failed: {error}") from None


def _late(endpoint: str, timeout: float) -> QueryTimeout:
    return QueryTimeout(f"{endpoint}: no complete answer within the {timeout:g} s deadline")


def _http_error(
    endpoint: str, error: urllib.error.HTTPError, sparql: bool
) -> StoreError | QueryError:
    """The villegraph error for an HTTP error status, with the endpoint's own first line."""
    try:
        text = error.read(ERROR_BODY_BYTES).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException):
        text = ""
    finally:
        error.close()
    message = _first_line(text)
    code = error.code
    if code == 400 and sparql:
        return QueryError(f"{endpoint} rejected the query: {message or 'HTTP 400'}")
    if code == 401:
        return StoreError(f"{endpoint} refused the request: 401 unauthorized")
    if code == 404:
        return StoreError(f"{endpoint}: 404 not found (is this a SPARQL endpoint?)")
    detail = f": {message}" if message else ""
    if code >= 500:
        return StoreError(f"{endpoint} failed: HTTP {code} {error.reason}{detail}")
    return StoreError(f"{endpoint} refused the request: HTTP {code} {error.reason}{detail}")


def _first_line(text: str) -> str:
    """The first non-blank line of an endpoint's error message, at most 300 characters."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else ""


def _has_blank(chunk: Sequence[ox.Triple]) -> bool:
    return any(
        isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in chunk
    )


__all__ = [
    "MAX_ROWS_HEADER",
    "UNION_ADVICE",
    "Deadline",
    "RemoteStore",
    "chunk_triples",
    "json_to_term",
    "not_union_message",
    "read_quads_by_graph",
]
