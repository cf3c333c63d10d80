"""SharedConfig against botocore's Session.full_config / get_scoped_config (the oracle)."""
from __future__ import annotations

import pickle
import random
from pathlib import Path

import botocore.session
import pytest

from squall.config import SharedConfig, expand_path
from squall.exceptions import ConfigParseError, ProfileNotFound

HEADERS = [
    "default", "profile default", "profile a", 'profile "b c"', "profiles x", "profile",
    "profile a b", "sso-session s", "sso-session", "services sv", "plugins", "profile 'bad",
    "profile\tt", "profilez q", "services", "preview", "sso-session 'x y'",
]


def _write(tmp_path: Path, config: str, creds: str) -> dict[str, str]:
    (tmp_path / "config").write_text(config)
    (tmp_path / "credentials").write_text(creds)
    return {"AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}


def _botocore(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> botocore.session.Session:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return botocore.session.Session()


def test_full_config_matches_botocore_on_random_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    for i in range(120):
        def sections(n: int) -> str:
            chosen = rng.sample(HEADERS, n)
            out = []
            for h in chosen:
                out.append(f"[{h}]")
                for k in rng.sample(["region", "output", "aws_access_key_id", "x", "services"], rng.randint(0, 3)):
                    out.append(f"{k} = {h}-{k}-{i}")
                if rng.random() < 0.3:
                    out.append("s3 =\n  addressing_style = path")
            return "\n".join(out) + "\n"

        env = _write(tmp_path, sections(rng.randint(0, 7)), sections(rng.randint(0, 4)))
        theirs = _botocore(env, monkeypatch)
        mine = SharedConfig.load(env)
        assert mine.to_botocore_dict() == theirs.full_config, (tmp_path / "config").read_text()
        assert mine.available_profiles == theirs.available_profiles
        for name in mine.available_profiles:
            monkeypatch.setenv("AWS_PROFILE", name)
            assert mine.scoped_profile(name).as_dict() == botocore.session.Session().get_scoped_config()
        monkeypatch.delenv("AWS_PROFILE", raising=False)
        assert mine.scoped_profile(None).as_dict() == botocore.session.Session().get_scoped_config()


def test_default_and_profile_default_later_wins(tmp_path: Path) -> None:
    env = _write(tmp_path, "[profile default]\na = 1\n[default]\nb = 2\n", "")
    assert SharedConfig.load(env).profile("default").as_dict() == {"b": "2"}
    env = _write(tmp_path, "[default]\nb = 2\n[profile default]\na = 1\n", "")
    assert SharedConfig.load(env).profile("default").as_dict() == {"a": "1"}


def test_credentials_override_config_per_key(tmp_path: Path) -> None:
    env = _write(
        tmp_path,
        "[profile dev]\nregion = eu-west-1\naws_access_key_id = FROMCONFIG\n",
        "[dev]\naws_access_key_id = FROMCREDS\naws_secret_access_key = s\n[profile dev]\nx = 1\n",
    )
    shared = SharedConfig.load(env)
    dev = shared.profile("dev")
    assert dev.as_dict() == {"region": "eu-west-1", "aws_access_key_id": "FROMCREDS", "aws_secret_access_key": "s"}
    assert dev.get("region").source == f"{env['AWS_CONFIG_FILE']} [profile dev] line 2"  # type: ignore[union-attr]
    assert dev.get("aws_access_key_id").source == f"{env['AWS_SHARED_CREDENTIALS_FILE']} [dev] line 2"  # type: ignore[union-attr]
    # In the credentials file, "[profile dev]" is a profile literally named "profile dev".
    assert shared.profile("profile dev").as_dict() == {"x": "1"}


def test_sections_kept_apart(tmp_path: Path) -> None:
    env = _write(
        tmp_path,
        "[profile a]\nservices = mine\nsso_session = corp\n"
        "[sso-session corp]\nsso_region = us-east-1\n"
        "[services mine]\ns3 =\n  endpoint_url = http://localhost:9000\n"
        "[plugins]\ncli_legacy_plugin_path = /x\n",
        "",
    )
    shared = SharedConfig.load(env)
    assert list(shared.profiles) == ["a"]
    assert shared.sso_sessions["corp"].get_value("sso_region") == "us-east-1"
    services = shared.services_for(shared.profile("a"))
    assert services is not None and services.get_value("s3") == {"endpoint_url": "http://localhost:9000"}
    assert shared.sections["plugins"].get_value("cli_legacy_plugin_path") == "/x"


def test_source_uses_path_as_given(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text("[profile dev]\n\n\n\n\n\nregion = us-west-2\n")
    shared = SharedConfig.load({"HOME": str(home)})
    assert shared.config_path == "~/.aws/config"
    assert shared.profile("dev").get("region").source == "~/.aws/config [profile dev] line 7"  # type: ignore[union-attr]
    assert shared.config_path_source == "built-in default"
    via_env = SharedConfig.load({"HOME": str(home), "AWS_CONFIG_FILE": "$HOME/.aws/config"})
    assert via_env.config_path_source == "environment variable AWS_CONFIG_FILE"
    assert via_env.profile("dev").get("region").source.startswith("$HOME/.aws/config [profile dev]")  # type: ignore[union-attr]
    explicit = SharedConfig.load({"HOME": str(home)}, config_file="~/.aws/config", credentials_file="")
    assert explicit.config_path_source == "explicit argument" and "dev" in explicit.profiles


def test_missing_files_are_empty(tmp_path: Path) -> None:
    shared = SharedConfig.load({"AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": ""})
    assert shared.available_profiles == []
    assert shared.scoped_profile(None).as_dict() == {}
    with pytest.raises(ProfileNotFound) as info:
        shared.profile("dev")
    assert "dev" in str(info.value) and str(tmp_path / "none") in str(info.value)


def test_parse_error_propagates_with_line(tmp_path: Path) -> None:
    env = _write(tmp_path, "[default]\nregion = x\nbroken line\n", "")
    with pytest.raises(ConfigParseError) as info:
        SharedConfig.load(env)
    assert info.value.lineno == 3 and env["AWS_CONFIG_FILE"] in str(info.value)


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("~/.aws/config", "/home/me/.aws/config"),
        ("~", "/home/me"),
        ("$HOME/x", "/home/me//x"),  # as os.path.expandvars: no normalising
        ("${HOME}/x", "/home/me//x"),
        ("$NOPE/x", "$NOPE/x"),
        ("${DIR}/~/c", "/d/~/c"),
        ("/abs/path", "/abs/path"),
        ("rel/~", "rel/~"),
    ],
)
def test_expand_path_reads_given_env(path: str, expected: str) -> None:
    assert expand_path(path, {"HOME": "/home/me/", "DIR": "/d"}) == expected


def test_shared_config_pickles(tmp_path: Path) -> None:
    env = _write(tmp_path, "[profile a]\ns3 =\n  x = 1\n", "[a]\nk = v\n")
    shared = SharedConfig.load(env)
    again = pickle.loads(pickle.dumps(shared))
    assert again.to_botocore_dict() == shared.to_botocore_dict()
