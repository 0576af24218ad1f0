"""One mapping from error classes to HTTP answers, the web twin of the CLI's exit codes.

| error                                   | status | note                                   |
|-----------------------------------------|--------|----------------------------------------|
| `Busy` (admission)                      | its own (429 / 503) | with `Retry-After`        |
| `ProtocolError` (SPARQL protocol)       | its own (400, 403, 405, 413, 415 …)     |
| `UnknownResource`                       | 404    | a parameter naming nothing; suggestions |
| `NotFound` (see below)                  | 404    |                                        |
| `UnsafeRequest`, `QueryError`, `UsageError`, `InputError` | 400 | the client's request   |
| `QueryTimeout`                          | 504    | "simplify the query or add a LIMIT"    |
| `WorkerFailed`                          | 500    | a bug: logged with its traceback       |
| `StoreError` (others, out of memory)    | 503    | with `Retry-After`                     |
| `ConfigError`, other `VillegraphError`  | 500    | logged                                 |

Handlers catch what they expect and call `answer(request, error)` (or `plain(error)` where the
protocol wants text); whatever they let through reaches the same function as the app's
exception handler, so a page and the endpoint never disagree on a status.
"""

from __future__ import annotations

import logging

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from villegraph.errors import (
    InputError,
    QueryError,
    QueryTimeout,
    StoreError,
    UnknownResource,
    UsageError,
    VillegraphError,
)
from villegraph.formats import negotiate
from villegraph.web.admission import Busy
from villegraph.web.engine import WorkerFailed
from villegraph.web.i18n import chosen_language, message
from villegraph.web.safety import UnsafeRequest

LOG = logging.getLogger("villegraph.web")
STORE_RETRY_AFTER = 5
"""Seconds a client is asked to wait after a store failure."""


class NotFound(UsageError):
    """A page or resource that does not exist (404)."""


class WebError(Exception):
    """An error that carries its own status (the SPARQL protocol's refusals)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


HANDLED = (VillegraphError, UnsafeRequest, Busy, WebError)
"""The error classes this module answers for."""

_BY_CLASS: list[tuple[type[Exception], int]] = [
    (UnknownResource, 404),
    (NotFound, 404),
    (UnsafeRequest, 400),
    (QueryError, 400),
    (UsageError, 400),
    (InputError, 400),
    (QueryTimeout, 504),
    (WorkerFailed, 500),
    (StoreError, 503),
    (VillegraphError, 500),
]


def status_of(error: Exception) -> int:
    """The HTTP status for `error` (the most specific class of the table wins)."""
    if isinstance(error, (Busy, WebError)):
        return error.status
    for kind, status in _BY_CLASS:
        if isinstance(error, kind):
            return status
    return 500


def message_of(error: Exception) -> str:
    """One line for the client; a bug's details stay in the log."""
    status = status_of(error)
    if isinstance(error, WebError):
        return error.message
    if isinstance(error, QueryTimeout):
        return f"{error}: simplify the query or add a LIMIT"
    if isinstance(error, WorkerFailed) or (status == 500 and not isinstance(error, Busy)):
        return "internal error while answering (logged)"
    if isinstance(error, StoreError) and status == 503:
        return f"store unavailable: {error}"
    return str(error)


def headers_of(error: Exception) -> dict[str, str]:
    """Extra headers: `Retry-After` where waiting helps."""
    if isinstance(error, Busy):
        return {"Retry-After": str(error.retry_after)}
    if status_of(error) == 503:
        return {"Retry-After": str(STORE_RETRY_AFTER)}
    return {}


def _log(error: Exception) -> None:
    if status_of(error) == 500:
        LOG.error("internal error: %s", error, exc_info=error)


def plain(error: Exception) -> Response:
    """The answer as one line of plain text (the SPARQL protocol, downloads)."""
    _log(error)
    line = " ".join(message_of(error).split())[:2000]
    return PlainTextResponse(line + "\n", status_of(error), headers=headers_of(error))


def answer(request: Request, error: Exception) -> Response:
    """The answer for a browser (the error page) or any other client (plain text)."""
    if negotiate(request.headers.get("accept"), ["text/html", "text/plain"]) != "text/html":
        return plain(error)
    _log(error)
    from villegraph.web.pages import render  # the page toolkit builds on this module

    language = chosen_language(request)
    status = status_of(error)
    title = message("not_found", language) if status == 404 else f"{status}"
    response = render("error.html", status, title=title, message=message_of(error), lang=language)
    response.headers.update(headers_of(error))
    return response


async def exception_handler(request: Request, error: Exception) -> Response:
    """The app's handler for every error class in `HANDLED`."""
    return answer(request, error)


__all__ = [
    "HANDLED",
    "NotFound",
    "WebError",
    "answer",
    "exception_handler",
    "headers_of",
    "message_of",
    "plain",
    "status_of",
]
