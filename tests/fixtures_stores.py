"""Fixtures: real triple stores (Virtuoso 7, Oxigraph server) on loopback, private data dirs.

The launchers are plain context managers so `benchmarks/bench_scale.py` can start the same
servers outside pytest. Every wait is bounded; a store that does not come up fails with a message
that names the binary, the port and the last lines of its log.
"""

from __future__ import annotations

import base64
import contextlib
import http.server
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class StoreServer:
    """A running triple store: its SPARQL, update and Graph Store URLs and credentials."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str
    user: str | None = None
    password: str | None = None
    max_rows: int | None = None
    data_dir: Path | None = None


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return 200 <= response.status < 300
    except (OSError, urllib.error.URLError):
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Terminate, then kill if it does not stop in time."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=STOP_TIMEOUT)


def _wait_until(
    ready: callable,  # type: ignore[valid-type]
    process: subprocess.Popen[bytes],
    what: str,
    log: Path,
    timeout: float,
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}:\n{_log_tail(log)}")
        if ready():
            return
        time.sleep(0.2)
    _stop(process)
    raise RuntimeError(f"{what} not ready after {timeout:.0f} s:\n{_log_tail(log)}")


def oxigraph_binary() -> str:
    """The `oxigraph` server CLI installed next to the running Python, else on PATH."""
    candidate = Path(sys.executable).parent / "oxigraph"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server CLI is missing: pip install oxigraph")
    return found


@contextlib.contextmanager
def oxigraph_server(
    data_dir: Path | None = None,
    *,
    timeout: float = START_TIMEOUT,
    query_timeout: float | None = None,
    union_default_graph: bool = True,
) -> Iterator[StoreServer]:
    """An Oxigraph server on a free port; its default graph is the union of the named graphs,
    like the embedded store, unless `union_default_graph` is False (Oxigraph's own default)."""
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vg-oxi-")))
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = data_dir / "server.log"
        command = [
            oxigraph_binary(),
            "serve",
            "--location",
            str(data_dir / "db"),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        if union_default_graph:
            command.append("--union-default-graph")
        if query_timeout is not None:
            command += ["--timeout-s", str(max(1, round(query_timeout)))]
        with log.open("wb") as out:
            process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            probe = base + "/query?" + urllib.parse.urlencode({"query": "ASK {}"})
            _wait_until(lambda: _http_ok(probe), process, f"oxigraph on port {port}", log, timeout)
            yield StoreServer(
                "oxigraph", base + "/query", base + "/update", base + "/store", data_dir=data_dir
            )
        finally:
            _stop(process)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
DirsAllowed = ., {d}
UseAIO = 0
MaxQueryMem = 1G

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0
HTTPProxyEnabled = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 120
DefaultQuery = ASK {{}}
"""


def _isql_connects(sql_port: int) -> bool:
    try:
        done = subprocess.run(
            ["isql-vt", str(sql_port), "dba", "dba", "exec=select 1;"],
            capture_output=True,
            timeout=10,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextlib.contextmanager
def virtuoso_server(
    data_dir: Path | None = None, *, max_rows: int = 100_000, timeout: float = START_TIMEOUT
) -> Iterator[StoreServer]:
    """Virtuoso 7 on free loopback ports, its database in `data_dir` (a temp dir by default).

    `max_rows` is `[SPARQL] ResultSetMaxRows`: raised from Virtuoso's 10,000 but still finite,
    so the tests can check that a cut is detected.
    """
    binary = shutil.which("virtuoso-t")
    if not binary or not shutil.which("isql-vt"):
        raise RuntimeError(
            "virtuoso-t / isql-vt missing: apt-get install virtuoso-opensource-7-bin"
        )
    with contextlib.ExitStack() as stack:
        if data_dir is None:
            data_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="vg-virt-")))
        sql_port, http_port = free_port(), free_port()
        ini = data_dir / "virtuoso.ini"
        ini.write_text(
            VIRTUOSO_INI.format(
                d=data_dir, sql_port=sql_port, http_port=http_port, max_rows=max_rows
            )
        )
        log = data_dir / "virtuoso.log"
        with (data_dir / "stdout.log").open("wb") as out:
            process = subprocess.Popen(
                [binary, "+foreground", "+configfile", str(ini)],
                cwd=data_dir,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        base = f"http://127.0.0.1:{http_port}"
        try:
            probe = base + "/sparql?" + urllib.parse.urlencode({"query": "ASK {}"})
            _wait_until(
                lambda: _http_ok(probe) and _isql_connects(sql_port),
                process,
                f"virtuoso-t on ports {sql_port}/{http_port}",
                log,
                timeout,
            )
            yield StoreServer(
                "virtuoso",
                base + "/sparql",
                base + "/sparql-auth",
                base + "/sparql-graph-crud-auth",
                user="dba",
                password="dba",
                max_rows=max_rows,
                data_dir=data_dir,
            )
        finally:
            _stop(process)


@dataclass
class AuthProxy:
    """A loopback reverse proxy that demands HTTP Basic credentials, in front of a store."""

    base: str
    user: str
    password: str
    seen: list[str]
    """The Authorization header of every request (empty string when there was none)."""


@contextlib.contextmanager
def basic_auth_proxy(target: str, user: str, password: str) -> Iterator[AuthProxy]:
    """Serve `target` (an http://127.0.0.1 base URL) behind Basic auth on a free port.

    Like an Oxigraph or Fuseki server deployed behind a web server that asks for a password:
    401 with `WWW-Authenticate: Basic` without the right credentials, else the request is
    forwarded (method, path, query, body, content headers) and the store's answer relayed.
    """
    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _forward(self) -> None:
            given = self.headers.get("Authorization", "")
            seen.append(given)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if given != expected:
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="villegraph-test"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            headers = {
                k: v for k, v in self.headers.items() if k.lower() in ("content-type", "accept")
            }
            request = urllib.request.Request(
                target + self.path, data=body, method=self.command, headers=headers
            )
            try:
                with urllib.request.urlopen(request, timeout=60) as response:
                    status, reply, payload = response.status, response.headers, response.read()
            except urllib.error.HTTPError as error:
                status, reply, payload = error.code, error.headers, error.read()
            self.send_response(status)
            for name in ("Content-Type", "X-SPARQL-MaxRows"):
                if reply.get(name):
                    self.send_header(name, reply[name])
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PUT = do_DELETE = _forward

        def log_message(self, *args: object) -> None:  # keep the test output quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield AuthProxy(f"http://127.0.0.1:{server.server_address[1]}", user, password, seen)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session", name="oxigraph_server")
def _oxigraph_server_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """A real Oxigraph server on a free loopback port, data in a temp dir; stopped at the end."""
    try:
        context = oxigraph_server(tmp_path_factory.mktemp("oxigraph"))
        server = context.__enter__()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        context.__exit__(None, None, None)


@pytest.fixture(scope="session", name="virtuoso")
def _virtuoso_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StoreServer]:
    """A real Virtuoso 7 on free loopback ports, database in a temp dir; stopped at the end."""
    try:
        context = virtuoso_server(tmp_path_factory.mktemp("virtuoso"))
        server = context.__enter__()
    except RuntimeError as error:
        pytest.fail(str(error), pytrace=False)
    try:
        yield server
    finally:
        context.__exit__(None, None, None)
