"""resolve_settings against botocore's Session.get_config_variable (the oracle)."""
from __future__ import annotations

import copy
import pickle
from pathlib import Path
from typing import Any

import botocore.configprovider as bcp
import botocore.session
import pytest

from squall.config import SETTINGS, SETTINGS_BY_NAME, Resolved, SharedConfig, resolve_settings
from squall.config._ini import clear_cache
from squall.exceptions import InvalidDefaultsMode, InvalidSettingError, ProfileNotFound

_LATER_CHOICES = {
    # botocore checks these when it builds the client (args.py, client.py, utils.py).
    "request_checksum_calculation": ("when_supported", "when_required"),
    "response_checksum_validation": ("when_supported", "when_required"),
    "account_id_endpoint_mode": ("preferred", "disabled", "required"),
    "defaults_mode": ("legacy", "auto", "standard", "in-region", "cross-region", "mobile"),
    "ec2_metadata_service_endpoint_mode": ("ipv4", "ipv6"),
}


def _normalise_botocore(name: str, value: Any) -> Any:
    """botocore's value as botocore itself uses it later: squall normalises and checks
    these when resolving (ValueError stands for botocore's later error)."""
    if value is None:
        return None
    if name == "parameter_validation":
        return bcp.utils.ensure_boolean(value)
    if name == "request_min_compression_size_bytes":
        number = int(value)
        if not 1 <= number <= 1048576:
            raise ValueError(value)
        return number
    if name in _LATER_CHOICES:
        if value.lower() not in _LATER_CHOICES[name]:
            raise ValueError(value)
        return value.lower()
    if name == "endpoint_discovery_enabled":
        lowered = value.lower().strip()
        if lowered not in ("true", "false", "auto"):
            raise ValueError(value)
        return lowered if lowered == "auto" else lowered == "true"
    if name == "sts_regional_endpoints":
        if (value or "regional") not in ("legacy", "regional"):
            raise ValueError(value)
        return value or "regional"
    if name == "s3_disable_express_session_auth":
        if value.lower() not in ("true", "false"):
            raise ValueError(value)
        return bcp.utils.ensure_boolean(value)
    return value


def _samples(name: str) -> list[str]:
    spec = SETTINGS_BY_NAME[name]
    if spec.convert is not None and spec.convert.__name__ == "ensure_boolean":
        return ["true", "TRUE", "false", "yes", ""]
    if spec.default is not None and isinstance(spec.default, int) and not isinstance(spec.default, bool):
        return ["5", " 7 ", "1024"]
    if spec.choices:
        return [spec.choices[-1], spec.choices[0].upper()]
    if name == "endpoint_discovery_enabled":
        return ["True", "auto", "false"]
    if name == "s3_disable_express_session_auth":
        return ["True", "false"]
    if name == "max_attempts":
        return ["3", "10"]
    return ["some-value", ""]


_BOTOCORE_VARS = sorted(bcp.BOTOCORE_DEFAUT_SESSION_VARIABLES)


def test_every_botocore_setting_has_a_spec() -> None:
    names = {s.name for s in SETTINGS}
    assert set(_BOTOCORE_VARS) <= names
    assert {f"s3.{n}" for n in bcp.DEFAULT_S3_CONFIG_VARS} <= names
    assert {f"proxies_config.{n}" for n in bcp.DEFAULT_PROXIES_CONFIG_VARS} <= names
    for name, (key, env, default, _) in bcp.BOTOCORE_DEFAUT_SESSION_VARIABLES.items():
        spec = SETTINGS_BY_NAME[name]
        env_list = [env] if isinstance(env, str) else (env or [])
        assert list(spec.env[: len(env_list)]) == env_list, name
        if name not in ("profile", "config_file", "credentials_file"):
            assert spec.keys == ((key,) if key else ()), name


class _Files:
    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp_path
        self.mp = monkeypatch
        self.env: dict[str, str] = {
            "AWS_CONFIG_FILE": str(tmp_path / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        }

    def write(self, config: str = "", creds: str = "") -> None:
        (self.tmp / "config").write_text(config)
        (self.tmp / "credentials").write_text(creds)
        clear_cache()

    def setenv(self, extra: dict[str, str]) -> dict[str, str]:
        env = {**self.env, **extra}
        for key in list(self._applied):
            self.mp.delenv(key, raising=False)
        self._applied = set(env)
        for key, value in env.items():
            self.mp.setenv(key, value)
        return env

    _applied: set[str] = set()


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> _Files:
    return _Files(tmp_path, monkeypatch)


def _scenarios(name: str) -> list[tuple[str, str, dict[str, str]]]:
    """(config, credentials, env) triples exercising one setting."""
    spec = SETTINGS_BY_NAME[name]
    out: list[tuple[str, str, dict[str, str]]] = [("", "", {})]
    key = spec.keys[0] if spec.keys else None
    for value in _samples(name):
        for var in spec.env:
            out.append(("", "", {var: value}))
        if isinstance(key, str):
            out.append((f"[default]\n{key} = {value}\n", "", {}))
            out.append((f"[profile dev]\n{key} = {value}\n", "", {"AWS_PROFILE": "dev"}))
            out.append(("[default]\n", f"[default]\n{key} = {value}\n", {}))
            out.append((f"[default]\n{key} = other\n", f"[default]\n{key} = {value}\n", {}))
            if spec.env:
                out.append((f"[default]\n{key} = {value}\n", "", {spec.env[-1]: "from-env"}))
    if len(spec.env) > 1:
        out.append(("", "", {spec.env[0]: "first", spec.env[1]: "second"}))
    return out


@pytest.mark.parametrize("name", [n for n in _BOTOCORE_VARS if n not in ("config_file", "credentials_file")])
def test_session_variables_match_botocore(name: str, files: _Files) -> None:
    for config, creds, extra in _scenarios(name):
        if name == "profile":  # every profile named must exist, or squall raises ProfileNotFound
            config += "".join(f'[profile "{v}"]\n' for v in ("some-value", "", "first", "from-env"))
        files.write(config, creds)
        env = files.setenv(extra)
        try:
            theirs: Any = ("ok", _normalise_botocore(name, botocore.session.Session().get_config_variable(name)))
        except ValueError:
            theirs = ("error",)
        settings = resolve_settings(env, SharedConfig.load(env))
        try:
            got = settings.get(name)
            mine: Any = ("ok", got.value)
        except (InvalidSettingError, InvalidDefaultsMode) as exc:
            mine = ("error",)
            # squall rejects what botocore rejects, and also values outside an enumeration
            # (botocore ignores a misspelt retry_mode or addressing_style) or a scalar
            # where an indented block is expected.
            if theirs[0] == "ok":
                assert SETTINGS_BY_NAME[name].choices or name == "api_versions", (name, extra, config)
                assert name in str(exc)
                continue
        if name == "region" and "AWS_REGION" in extra and "AWS_DEFAULT_REGION" not in extra:
            # squall's extension: AWS_REGION is read after AWS_DEFAULT_REGION.
            assert mine == ("ok", extra["AWS_REGION"])
            continue
        if name == "api_versions" and mine[0] == "ok":
            mine = ("ok", dict(mine[1]))
        assert mine == theirs, (name, config, creds, extra)


def test_sources(files: _Files) -> None:
    files.write("[default]\nregion = eu-west-1\n\nmax_attempts = 4\n[profile dev]\nretry_mode = standard\n",
                "[default]\nmax_attempts = 6\n")
    env = files.setenv({"AWS_DEFAULT_REGION": "us-east-2"})
    s = resolve_settings(env, SharedConfig.load(env))
    assert s.get("region") == Resolved("us-east-2", "environment variable AWS_DEFAULT_REGION")
    assert s.get("max_attempts") == Resolved(6, f"{env['AWS_SHARED_CREDENTIALS_FILE']} [default] line 2")
    assert s.get("retry_mode") == Resolved("legacy", "built-in default")
    assert s.get("ca_bundle") == Resolved(None, "not set")
    assert s.get("config_file") == Resolved(env["AWS_CONFIG_FILE"], "environment variable AWS_CONFIG_FILE")
    explicit = resolve_settings(env, SharedConfig.load(env), "dev", {"region": "ap-south-1",
                                "max_attempts": Resolved(2, "Config(retries=...)")})
    assert explicit.get("region") == Resolved("ap-south-1", "explicit argument")
    assert explicit.get("max_attempts") == Resolved(2, "Config(retries=...)")
    assert explicit.get("retry_mode").source == f"{env['AWS_CONFIG_FILE']} [profile dev] line 6"
    assert explicit.get("profile") == Resolved("dev", "explicit argument")


def test_profile_from_env_and_missing_profile(files: _Files) -> None:
    files.write("[profile a]\nregion = r-a\n[profile b]\nregion = r-b\n")
    env = files.setenv({"AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b"})
    s = resolve_settings(env, SharedConfig.load(env))
    # botocore reads AWS_DEFAULT_PROFILE before AWS_PROFILE.
    assert s.profile_name == "b" and s.value("region") == "r-b"
    assert s.get("profile").source == "environment variable AWS_DEFAULT_PROFILE"
    with pytest.raises(ProfileNotFound):
        resolve_settings(env, SharedConfig.load(env), "nope")


def test_bad_values_name_setting_value_and_source(files: _Files) -> None:
    files.write("[default]\nregion = x\nmax_attempts = abc\n")
    env = files.setenv({"AWS_METADATA_SERVICE_TIMEOUT": "1.5", "AWS_RETRY_MODE": "fast"})
    s = resolve_settings(env, SharedConfig.load(env))
    assert s.value("region") == "x"  # one bad key does not spoil the others
    with pytest.raises(InvalidSettingError) as info:
        s.get("max_attempts")
    message = str(info.value)
    assert "'abc'" in message and "max_attempts" in message
    assert f"{env['AWS_CONFIG_FILE']} [default] line 3" in message
    with pytest.raises(InvalidSettingError, match="environment variable AWS_METADATA_SERVICE_TIMEOUT"):
        s.get("metadata_service_timeout")
    with pytest.raises(InvalidSettingError, match="'legacy', 'standard', 'adaptive'"):
        s.get("retry_mode")
    assert "INVALID" in s.explain()["max_attempts"][1]
    assert isinstance(info.value, ValueError)  # botocore raised ValueError from int()


def test_nested_block_where_value_expected(files: _Files) -> None:
    files.write("[default]\nregion =\n  a = b\napi_versions = 2012\n")
    env = files.setenv({})
    s = resolve_settings(env, SharedConfig.load(env))
    with pytest.raises(InvalidSettingError, match="indented block"):
        s.get("region")
    with pytest.raises(InvalidSettingError, match="indented block"):
        s.get("api_versions")


def test_s3_and_proxies_config_match_botocore(files: _Files) -> None:
    cases = [
        ("", {}),
        ("[default]\ns3 =\n  addressing_style = path\n  use_accelerate_endpoint = true\n  extra = kept\n", {}),
        ("[default]\ns3_use_arn_region = false\ns3 =\n  use_arn_region = true\n", {}),
        ("[default]\ns3 =\n  use_arn_region = true\n", {"AWS_S3_USE_ARN_REGION": "false"}),
        ("[default]\n", {"AWS_S3_US_EAST_1_REGIONAL_ENDPOINT": "regional",
                         "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS": "TRUE"}),
        ("[default]\ns3 = not-a-block\n", {"AWS_S3_USE_ARN_REGION": "true"}),
        ("[default]\ns3_us_east_1_regional_endpoint = legacy\n", {}),
        ("[default]\nproxy_ca_bundle = /ca.pem\nproxy_use_forwarding_for_https = True\n", {}),
    ]
    for config, extra in cases:
        files.write(config)
        env = files.setenv(extra)
        session = botocore.session.Session()
        s = resolve_settings(env, SharedConfig.load(env))
        assert s.s3_config() == session.get_config_variable("s3"), config
        assert s.proxies_config() == session.get_config_variable("proxies_config"), config


@pytest.mark.parametrize("mode", ["legacy", "standard", "in-region", "cross-region", "mobile", "Standard"])
@pytest.mark.parametrize("config", ["", "[default]\nretry_mode = adaptive\nsts_regional_endpoints = legacy\n"])
def test_defaults_modes_match_botocore_smart_defaults(mode: str, config: str, files: _Files) -> None:
    files.write(config)
    env = files.setenv({"AWS_DEFAULTS_MODE": mode})
    session = botocore.session.Session()
    store = copy.copy(session.get_component("config_store"))
    lmode = mode.lower()
    if lmode != "legacy":
        session._get_internal_component("smart_defaults_factory").merge_smart_defaults(store, lmode, "us-east-1")
    s = resolve_settings(env, SharedConfig.load(env), explicit={"region": "us-east-1"})
    for name in ("retry_mode", "sts_regional_endpoints", "connect_timeout"):
        assert s.value(name) == store.get_config_variable(name), name
    assert s.s3_config() == store.get_config_variable("s3")
    assert s.defaults_mode.value == lmode
    if lmode != "legacy" and not config:
        assert s.get("retry_mode").source == f"defaults mode {lmode!r} (sdk-default-configuration.json)"


def test_auto_mode(files: _Files) -> None:
    files.write("")
    calls: list[int] = []

    def imds() -> str:
        calls.append(1)
        return "us-west-2"

    def failing() -> str:
        raise OSError("no IMDS")

    def run(extra: dict[str, str], region: str | None, detector: Any) -> str:
        env = files.setenv({"AWS_DEFAULTS_MODE": "auto", **extra})
        return resolve_settings(env, SharedConfig.load(env), explicit={"region": region},
                                imds_region=detector).defaults_mode.value

    assert run({}, "us-west-2", None) == "standard"
    assert run({}, "us-west-2", failing) == "standard"
    assert run({}, "us-west-2", imds) == "in-region"
    assert run({}, "eu-west-1", imds) == "cross-region"
    calls.clear()
    assert run({"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11", "AWS_REGION": "eu-west-1"}, "eu-west-1", imds) == "in-region"
    assert calls == []  # the environment answered; IMDS not asked
    s = resolve_settings(files.setenv({"AWS_DEFAULTS_MODE": "auto"}), explicit={"region": "us-west-2"}, imds_region=imds)
    assert s.value("connect_timeout") == 1.1 and "in-region" in s.get("connect_timeout").source
    assert "auto" in s.defaults_mode.source


def test_auto_mode_matches_botocore_detection(files: _Files) -> None:
    files.write("")
    for extra, region in [({"AWS_EXECUTION_ENV": "x", "AWS_REGION": "eu-west-1"}, "eu-west-1"),
                          ({"AWS_EXECUTION_ENV": "x", "AWS_DEFAULT_REGION": "eu-west-1"}, "us-east-1"),
                          ({"AWS_EXECUTION_ENV": "x", "AWS_REGION": "", "AWS_DEFAULT_REGION": "eu-west-1"}, "eu-west-1")]:
        env = files.setenv({"AWS_DEFAULTS_MODE": "auto", **extra})
        factory = botocore.session.Session()._get_internal_component("smart_defaults_factory")

        class NoImds:
            def provide(self) -> None:
                return None

        factory._imds_region_provider = NoImds()
        theirs = factory.resolve_auto_mode(region)
        assert resolve_settings(env, explicit={"region": region}).defaults_mode.value == theirs


def test_invalid_defaults_mode(files: _Files) -> None:
    files.write("[default]\ndefaults_mode = turbo\n")
    env = files.setenv({})
    s = resolve_settings(env)
    with pytest.raises(InvalidDefaultsMode, match="turbo.*legacy, auto, standard.*line 2"):
        s.get("defaults_mode")
    with pytest.raises(InvalidDefaultsMode):
        s.get("retry_mode")  # would have come from the defaults mode
    assert s.value("region") is None


def test_new_retries_toggle_changes_builtin_default(files: _Files) -> None:
    files.write("")
    env = files.setenv({"AWS_NEW_RETRIES_2026": "true"})
    assert resolve_settings(env).value("retry_mode") == "standard"


def test_explain_redacts_and_lists_everything(files: _Files) -> None:
    files.write("")
    s = resolve_settings(files.setenv({}))
    table = s.explain()
    assert set(SETTINGS_BY_NAME) <= set(table)
    assert table["region"] == (None, "not set")
    from squall.config.settings import _redact

    assert _redact("aws_secret_access_key", "abc") == "****"
    assert _redact("aws_session_token", "abc") == "****"
    assert _redact("region", "abc") == "abc"


def test_unknown_explicit_setting_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown setting 'regoin'"):
        resolve_settings({}, SharedConfig(), explicit={"regoin": "x"})


def test_settings_pickle_and_are_immutable(files: _Files) -> None:
    files.write("[default]\nregion = r\nmax_attempts = bad\n")
    s = resolve_settings(files.setenv({}))
    again = pickle.loads(pickle.dumps(s))
    assert again.get("region") == s.get("region")
    with pytest.raises(InvalidSettingError):
        again.get("max_attempts")
    with pytest.raises(AttributeError):
        s.profile_name = "x"  # type: ignore[misc]


def test_nothing_read_from_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "from-os-environ")
    s = resolve_settings({}, SharedConfig())
    assert s.value("region") is None
