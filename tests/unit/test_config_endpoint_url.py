"""resolve_endpoint_url beyond the conformance cases (sources, errors, service ids)."""
from __future__ import annotations

from pathlib import Path

import botocore.session
import pytest
from botocore.configprovider import ConfiguredEndpointProvider

from squall.config import Resolved, SharedConfig, endpoint_env_var, resolve_endpoint_url, transform_service_id
from squall.config._ini import clear_cache
from squall.exceptions import InvalidConfigError
from squall.models.loader import Loader


def _shared(tmp_path: Path, config: str, creds: str = "") -> tuple[dict[str, str], SharedConfig]:
    (tmp_path / "config").write_text(config)
    (tmp_path / "credentials").write_text(creds)
    clear_cache()
    env = {"AWS_CONFIG_FILE": str(tmp_path / "config"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials")}
    return env, SharedConfig.load(env)


def test_transform_matches_botocore_for_every_service() -> None:
    session = botocore.session.get_session()
    loader = Loader.from_data_path()
    for name in loader.list_available_services("service-2"):
        service_id = loader.load_service_model(name, "service-2")["metadata"]["serviceId"]
        theirs = ConfiguredEndpointProvider({}, {}, name)._transformed_service_id
        assert transform_service_id(service_id) == theirs, name
    assert endpoint_env_var("API Gateway") == "AWS_ENDPOINT_URL_API_GATEWAY"
    assert session is not None


def test_sources_name_the_line(tmp_path: Path) -> None:
    env, shared = _shared(
        tmp_path,
        "[default]\nendpoint_url = http://global\nservices = local\n"
        "[services local]\ndynamodb =\n  endpoint_url = http://ddb:8000\n",
    )
    config = env["AWS_CONFIG_FILE"]
    assert resolve_endpoint_url("DynamoDB", env, shared) == Resolved("http://ddb:8000", f"{config} [services local] line 6")
    assert resolve_endpoint_url("S3", env, shared) == Resolved("http://global", f"{config} [default] line 2")
    assert resolve_endpoint_url("S3", {**env, "AWS_ENDPOINT_URL": ""}, shared).value == "http://global"  # type: ignore[union-attr]
    assert resolve_endpoint_url("S3", {**env, "AWS_ENDPOINT_URL_S3": "http://e"}, shared) == Resolved(
        "http://e", "environment variable AWS_ENDPOINT_URL_S3"
    )


def test_ignore_from_profile_and_explicit_false_overrides(tmp_path: Path) -> None:
    env, shared = _shared(tmp_path, "[default]\nendpoint_url = http://g\nignore_configured_endpoint_urls = TRUE\n")
    assert resolve_endpoint_url("S3", env, shared) is None
    assert resolve_endpoint_url("S3", env, shared, ignore_configured_endpoint_urls=False).value == "http://g"  # type: ignore[union-attr]
    assert resolve_endpoint_url("S3", {**env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "false"}, shared).value == "http://g"  # type: ignore[union-attr]


def test_credentials_file_endpoint_url_counts(tmp_path: Path) -> None:
    env, shared = _shared(tmp_path, "", "[default]\nendpoint_url = http://from-creds\n")
    assert resolve_endpoint_url("S3", env, shared).value == "http://from-creds"  # type: ignore[union-attr]


def test_missing_services_section_is_an_error(tmp_path: Path) -> None:
    env, shared = _shared(tmp_path, "[profile p]\nservices = nowhere\n")
    with pytest.raises(InvalidConfigError, match='"nowhere" services configuration does not exist'):
        resolve_endpoint_url("S3", env, shared, "p")
    # Not reached when an environment variable already answers, as in botocore.
    assert resolve_endpoint_url("S3", {**env, "AWS_ENDPOINT_URL": "http://e"}, shared, "p").value == "http://e"  # type: ignore[union-attr]


def test_services_entry_must_be_a_block(tmp_path: Path) -> None:
    env, shared = _shared(tmp_path, "[default]\nservices = s\n[services s]\ns3 = http://x\n")
    with pytest.raises(InvalidConfigError, match="indented block"):
        resolve_endpoint_url("S3", env, shared)


def test_settings_endpoint_url_uses_session_ignore_flag(tmp_path: Path) -> None:
    from squall.config import resolve_settings

    env, shared = _shared(tmp_path, "[default]\nendpoint_url = http://g\n")
    env["AWS_ENDPOINT_URL_DYNAMODB"] = "http://ddb"
    settings = resolve_settings(env, shared)
    assert settings.endpoint_url("DynamoDB") == Resolved("http://ddb", "environment variable AWS_ENDPOINT_URL_DYNAMODB")
    assert settings.endpoint_url("S3").value == "http://g"  # type: ignore[union-attr]
    ignoring = resolve_settings(env, shared, explicit={"ignore_configured_endpoint_urls": True})
    assert ignoring.endpoint_url("S3") is None
    assert ignoring.endpoint_url("S3", ignore_configured_endpoint_urls=False).value == "http://g"  # type: ignore[union-attr]
    assert ignoring.endpoint_url("S3", endpoint_url="http://arg") == Resolved("http://arg", "endpoint_url argument")
