"""The wheel works where it is installed: built from a copy of the checkout, installed in a fresh
virtualenv outside it, it creates, builds, queries, validates and serves a project.

The fresh virtualenv gets only the wheel (`pip install --no-deps`); the dependencies come from
the test's own environment through a `.pth` line (a line adds a folder to `sys.path` without
running that folder's own `.pth` files, so the checkout's editable install stays out of it).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import time
import zipfile
from pathlib import Path

import httpx
import pytest
from fixtures_server import free_port

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = (".*", "__pycache__", "*.egg-info", "build", "dist", "store", "tests", "benchmarks")
SHIPPED = (
    "villegraph/resources/ontology/villegraph.ttl",
    "villegraph/resources/ontology/themes.ttl",
    "villegraph/resources/ontology/shapes.ttl",
    "villegraph/resources/ontology/rules/10-person-talk-theme.rq",
    "villegraph/resources/context.jsonld",
    "villegraph/records/schema.json",
    "villegraph/resources/queries/programme.rq",
    "villegraph/resources/example/data/people.ttl",
    "villegraph/resources/example/data/sources/000_f80f05703dc6102a.txt",
    "villegraph/web/templates/resource.html",
    "villegraph/web/static/style.css",
)

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, f"{command}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built offline from a copy of the checkout (the checkout itself is left clean)."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation"]
    _run([*command, "--quiet", "-w", str(work), str(source)], work, dict(os.environ))
    (built,) = work.glob("villegraph-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The `bin/` folder of a fresh virtualenv holding the wheel."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    env = dict(os.environ)
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], venv.parent, env)
    python = venv / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        venv.parent,
        env,
    ).stdout.strip()
    Path(purelib, "_test_dependencies.pth").write_text(
        sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8"
    )
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    _run([*pip, "--no-deps", "--no-index", str(wheel)], venv.parent, env)
    return venv / "bin"


def test_the_wheel_ships_what_a_build_needs(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert set(SHIPPED) <= names, sorted(set(SHIPPED) - names)
    assert not any("__pycache__" in name or "/.dist" in name for name in names)


def test_an_installed_wheel_creates_builds_queries_validates_and_serves(
    installed: Path, tmp_path: Path, built_dist: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VILLEGRAPH_", "PYTHON"))}
    env["PATH"] = f"{installed}{os.pathsep}{env.get('PATH', '')}"
    where = _run(
        [str(installed / "python"), "-c", "import villegraph; print(villegraph.__file__)"],
        tmp_path,
        env,
    )
    assert where.stdout.startswith(str(installed.parent)), where.stdout
    villegraph = str(installed / "villegraph")

    created = _run([villegraph, "init", "proj"], tmp_path, env)
    assert "cd proj" in created.stdout
    project = tmp_path / "proj"
    assert (project / "data" / "sources" / "000_f80f05703dc6102a.txt").is_file()
    refused = subprocess.run(
        [villegraph, "init", "proj"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "not empty" in refused.stderr

    built = _run([villegraph, "build", "--quiet"], project, env)
    same_as_checkout = json.loads((built_dist / "build.json").read_text(encoding="utf-8"))
    assert f"built {same_as_checkout['triples']} triples" in built.stdout
    programme = _run([villegraph, "query", "programme", "--format", "csv"], project, env)
    assert "event/seance-5" in programme.stdout
    data = sorted(str(p) for p in (project / "data").glob("*.ttl"))
    checked = _run([villegraph, "validate", *data], project, env)
    assert "0 violations" in checked.stdout + checked.stderr

    port = free_port()
    server = subprocess.Popen(
        [villegraph, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        response = _first_answer(f"http://127.0.0.1:{port}/sparql", server)
        assert response.status_code == 200
        assert response.json()["boolean"] is True
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.communicate(timeout=30)


def _first_answer(url: str, server: subprocess.Popen[bytes]) -> httpx.Response:
    end = time.monotonic() + 60
    while True:
        try:
            return httpx.get(url, params={"query": "ASK {}"}, timeout=10)
        except httpx.TransportError:
            assert server.poll() is None, server.communicate()[1].decode()
            assert time.monotonic() < end, "the server did not start"
            time.sleep(0.2)
