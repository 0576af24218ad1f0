"""`villegraph build` and `villegraph validate`: exit codes 0/1/2, one-line errors, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from villegraph.cli import main
from villegraph.config import Settings

NAMELESS = "<https://w3id.org/villegraph/person/nobody> a <http://xmlns.com/foaf/0.1/Person> .\n"


def _run(settings: Settings, *args: str) -> tuple[int, str, str]:
    """Run the CLI in-process on the project of `settings`."""
    runner = CliRunner()
    env = {"VILLEGRAPH_DIST_DIR": str(settings.dist_dir)}
    result = runner.invoke(main, ["--root", str(settings.root), *args], env=env)
    assert not isinstance(result.exception, Exception) or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.stdout, result.stderr


def _subprocess(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(settings.dist_dir)}
    return subprocess.run(
        [sys.executable, "-m", "villegraph", "--root", str(settings.root), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_build_ok(pipeline_settings: Settings) -> None:
    code, out, err = _run(pipeline_settings, "build")
    assert code == 0
    assert out.startswith("built 250 triples (156 derived) in 7 graphs into ")
    assert f"into {pipeline_settings.dist_dir} in " in out
    assert out.count("\n") == 1
    assert "SHACL: conforms (0 violations, 1 warnings, 0 infos)" in err
    assert "warning: Bob Test: A person should have a label." in err
    assert "load" not in err  # no progress display when stderr is not a terminal
    assert pipeline_settings.dist_dir is not None
    assert (pipeline_settings.dist_dir / "build.json").is_file()


def test_build_out_option(pipeline_settings: Settings, tmp_path: Path) -> None:
    code, _, _ = _run(pipeline_settings, "build", "--out", str(tmp_path / "o"), "--quiet")
    assert code == 0
    assert json.loads((tmp_path / "o" / "build.json").read_text(encoding="utf-8"))["conforms"]


def test_build_violation_exit_1(pipeline_settings: Settings) -> None:
    (pipeline_settings.root / "data" / "nameless.ttl").write_text(NAMELESS, encoding="utf-8")
    code, out, err = _run(pipeline_settings, "build")
    assert code == 1
    assert out == ""
    assert "A person needs a name." in err
    assert err.rstrip().splitlines()[-1] == (
        "villegraph: error: the data does not conform to the shapes: 1 violation(s)"
    )
    assert pipeline_settings.dist_dir is not None
    assert not pipeline_settings.dist_dir.exists()


def test_build_syntax_error_exit_2(pipeline_settings: Settings) -> None:
    (pipeline_settings.root / "data" / "bad.ttl").write_text(
        "@prefix ex: <http://example.org/> .\nex:a ex:b nope:c .\n", encoding="utf-8"
    )
    code, _, err = _run(pipeline_settings, "build")
    assert code == 2
    assert err == "villegraph: error: data/bad.ttl:2:11: The prefix nope: has not been declared\n"


def test_validate_project(pipeline_settings: Settings) -> None:
    code, out, _ = _run(pipeline_settings, "validate")
    assert code == 0
    assert out.startswith("SHACL validation: conforms (0 violations, 1 warnings, 0 infos)")
    assert pipeline_settings.dist_dir is not None
    assert not pipeline_settings.dist_dir.exists()  # validate writes nothing


@pytest.mark.parametrize("fmt", ["json", "turtle"])
def test_validate_formats(pipeline_settings: Settings, fmt: str) -> None:
    code, out, err = _run(pipeline_settings, "validate", "--format", fmt)
    assert code == 0
    if fmt == "json":
        results = json.loads(out)
        assert [r["severity"] for r in results] == ["Warning"]
        assert results[0]["focus_label"] == "Bob Test"
    else:
        assert "sh:conforms true" in out or "conforms> true" in out
    assert err == "SHACL: conforms (0 violations, 1 warnings, 0 infos)\n"


def test_validate_paths(pipeline_settings: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "nameless.ttl"
    bad.write_text(NAMELESS, encoding="utf-8")
    code, out, _ = _run(pipeline_settings, "validate", str(bad))
    assert code == 1
    assert "1 violations" in out and "A person needs a name." in out
    good = pipeline_settings.root / "data" / "events.ttl"
    code, out, _ = _run(pipeline_settings, "validate", str(good))
    assert code == 0


def test_validate_unreadable_path_exit_2(pipeline_settings: Settings, tmp_path: Path) -> None:
    code, _, err = _run(pipeline_settings, "validate", str(tmp_path / "missing.ttl"))
    assert code == 2
    assert err == f"villegraph: error: {tmp_path / 'missing.ttl'}: file not found\n"


def test_bad_option_exit_2(pipeline_settings: Settings) -> None:
    code, _, err = _run(pipeline_settings, "validate", "--format", "xml")
    assert code == 2
    assert "Invalid value for '--format'" in err


def test_real_subprocess_exit_codes(pipeline_settings: Settings) -> None:
    ok = _subprocess(pipeline_settings, "build")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("built ")
    data = pipeline_settings.root / "data"
    (data / "nameless.ttl").write_text(NAMELESS, encoding="utf-8")
    violation = _subprocess(pipeline_settings, "validate")
    assert violation.returncode == 1
    assert "A person needs a name." in violation.stdout
    (data / "nameless.ttl").unlink()
    (data / "bad.ttl").write_text(
        '<http://a> <http://b> "x"^^<http://www.w3.org/2001/XMLSchema#date> .\n', encoding="utf-8"
    )
    broken = _subprocess(pipeline_settings, "build")
    assert broken.returncode == 2
    assert broken.stderr.startswith(
        'villegraph: error: data/bad.ttl:1:23: "x" is not a valid xsd:date'
    )
    assert broken.stderr.count("\n") == 1
    for result in (ok, violation, broken):
        assert "Traceback" not in result.stderr


def test_real_project_validates(settings: Settings) -> None:
    result = _subprocess(settings, "validate")
    assert result.returncode == 0, result.stdout
    assert "0 violations" in result.stdout


def test_progress_is_shown_on_a_terminal(pipeline_settings: Settings) -> None:
    import pty

    leader, follower = pty.openpty()
    env = {**os.environ, "VILLEGRAPH_DIST_DIR": str(pipeline_settings.dist_dir)}
    args = [sys.executable, "-m", "villegraph", "--root", str(pipeline_settings.root), "build"]
    try:
        result = subprocess.run(
            args, stderr=follower, stdout=subprocess.PIPE, env=env, timeout=120, check=False
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal is closed once everything was read
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(leader)
    assert result.returncode == 0
    lines = b"".join(chunks).decode().splitlines()
    stages = [line.split()[0] for line in lines if line.startswith("  ") and " s  " in line]
    assert stages == ["load", "infer", "validate", "dump", "changes"]
    assert result.stdout.decode().startswith("built ")


def test_unwritable_out_exit_2(pipeline_settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x", encoding="utf-8")
    code, out, err = _run(pipeline_settings, "build", "--out", str(blocker / "dist"))
    assert code == 2
    assert out == ""
    assert err.startswith(f"villegraph: error: {blocker / 'dist'}: cannot write the build: ")
    assert err.count("\n") == 1
