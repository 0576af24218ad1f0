"""Settings: environment, overrides and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from villegraph.config import Settings
from villegraph.errors import ConfigError


def test_environment_then_overrides(tmp_path: Path) -> None:
    env = {"VILLEGRAPH_PORT": "8123", "VILLEGRAPH_BASE_IRI": "http://example.org/vg/"}
    settings = Settings.from_env(env, root=tmp_path, port=9000)
    assert settings.port == 9000
    assert settings.base_iri == "http://example.org/vg/"
    assert settings.dist_dir == tmp_path.resolve() / "dist"


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"VILLEGRAPH_PORT": "eighty"}, "VILLEGRAPH_PORT"),
        ({"VILLEGRAPH_BASE_IRI": "ftp://x/"}, "ftp://x/"),
        ({"VILLEGRAPH_TIMEOUT": "-1"}, "timeout"),
        ({"VILLEGRAPH_AUTH": "kerberos"}, "kerberos"),
    ],
)
def test_bad_setting_names_key_or_value(env: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        Settings.from_env(env)


def test_endpoint_credentials_come_from_the_environment_and_stay_out_of_repr() -> None:
    env = {"VILLEGRAPH_USER": "dba", "VILLEGRAPH_PASSWORD": "s3cret", "VILLEGRAPH_AUTH": "basic"}
    settings = Settings.from_env(env)
    assert (settings.user, settings.password, settings.auth) == ("dba", "s3cret", "basic")
    assert "s3cret" not in repr(settings)
