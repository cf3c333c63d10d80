"""The User-Agent header: AWS's UA 2.1 format, field for field as botocore builds it."""
from __future__ import annotations

import pytest

import squall
from squall.config import Config
from squall.runtime._useragent import PlatformInfo, sanitize, user_agent

LINUX = PlatformInfo(
    system="Linux", release="6.1.0-18-amd64", machine="x86_64",
    python_version="3.11.7", python_implementation="CPython",
)


def test_format() -> None:
    ua = user_agent(retry_mode="standard", features=["RETRY_MODE_STANDARD", "ENDPOINT_OVERRIDE"],
                    appid="shop", extra="tool/2", platform=LINUX, sdk_version="0.1.0")
    assert ua == (
        "squall/0.1.0 ua/2.1 os/linux#6.1.0-18-amd64 md/arch#x86_64 lang/python#3.11.7 "
        "md/pyimpl#CPython m/E,N cfg/retry-mode#standard app/shop tool/2"
    )


def test_minimal() -> None:
    info = PlatformInfo(system=None, release=None, machine=None, python_version="3.12.1",
                        python_implementation=None)
    assert user_agent(platform=info, sdk_version="1.0") == "squall/1.0 ua/2.1 os/other lang/python#3.12.1"


@pytest.mark.parametrize(("system", "release", "expected"), [
    ("Darwin", "23.1.0", "os/macos#23.1.0"),
    ("Windows", "10", "os/windows#10"),
    ("Linux", "", "os/linux"),
    ("SunOS", "5.11", "os/other md/SunOS#5.11"),
    ("Haiku OS", "r1 beta", "os/other md/Haiku-OS#r1-beta"),
])
def test_os_names(system: str, release: str, expected: str) -> None:
    info = PlatformInfo(system=system, release=release or None, machine=None, python_version="3.11.7",
                        python_implementation=None)
    assert user_agent(platform=info, sdk_version="1").split(" ua/2.1 ")[1] == f"{expected} lang/python#3.11.7"


def test_sanitising() -> None:
    assert sanitize("a b/c#d(é)", allow_hash=False) == "a-b-c-d---"
    assert sanitize("a b/c#d", allow_hash=True) == "a-b-c#d"
    ua = user_agent(appid="my app/1#x", extra="raw extra/1 (kept)", platform=LINUX, sdk_version="1")
    assert "app/my-app-1#x raw extra/1 (kept)" in ua


def test_execution_env() -> None:
    info = PlatformInfo.current({"AWS_EXECUTION_ENV": "AWS_Lambda_python3.11"})
    assert info.execution_env == "AWS_Lambda_python3.11"
    assert PlatformInfo.current({}).execution_env is None
    ua = user_agent(platform=info, retry_mode="legacy")
    assert f"md/pyimpl#{info.python_implementation} exec-env/AWS_Lambda_python3.11 cfg/" in ua


def test_override_keeps_only_extras() -> None:
    assert user_agent(override="custom/1.0", extra="x/1", appid="ignored", retry_mode="legacy") == "custom/1.0 x/1"


def test_features_deduplicated_and_bounded() -> None:
    ua = user_agent(features=["RETRY_MODE_LEGACY", "D", "unknown", "CREDENTIALS_CODE"], platform=LINUX)
    assert " m/D,e " in f"{ua} "


def test_features_truncated_to_1024_bytes() -> None:
    from squall.runtime import _useragent

    ids = {f"F{i}": f"id{i:04d}" for i in range(400)}
    original = _useragent.FEATURE_IDS
    _useragent.FEATURE_IDS = {**original, **ids}  # type: ignore[misc]
    try:
        ua = user_agent(features=list(ids), platform=LINUX)
    finally:
        _useragent.FEATURE_IDS = original  # type: ignore[misc]
    component = next(part for part in ua.split() if part.startswith("m/"))
    assert len(component.encode()) <= 1024
    assert all(len(item) == 6 for item in component[2:].split(","))  # whole ids only


def test_matches_botocore_component_for_component() -> None:
    from botocore.config import Config as BotoConfig
    from botocore.useragent import UserAgentString

    boto = UserAgentString(
        platform_name="Linux", platform_version="6.1.0-18-amd64", platform_machine="x86_64",
        python_version="3.11.7", python_implementation="CPython", execution_env="AWS_ECS_EC2",
    )
    boto.set_session_config("Botocore", boto_version(), None)
    boto.set_client_features({"E"})
    config = BotoConfig(retries={"mode": "standard"}, user_agent_appid="my app", user_agent_extra="x/1")
    config.user_agent = None  # as botocore's client factory leaves it when not supplied
    expected = boto.with_client_config(config).to_string()
    info = PlatformInfo(system="Linux", release="6.1.0-18-amd64", machine="x86_64", python_version="3.11.7",
                        python_implementation="CPython", execution_env="AWS_ECS_EC2")
    ours = user_agent(retry_mode="standard", features=["RETRY_MODE_STANDARD"], appid="my app", extra="x/1",
                      platform=info, sdk_version="0.1.0")
    assert ours.split(" ", 1)[1] == expected.split(" ", 1)[1]
    assert ours.split(" ", 1)[0] == "squall/0.1.0"


def boto_version() -> str:
    import botocore

    return botocore.__version__


def _session(**kwargs: object) -> squall.session.Session:
    return squall.session.Session(region_name="us-east-1", **kwargs)  # type: ignore[arg-type]


def test_client_user_agent() -> None:
    client = _session(aws_access_key_id="a", aws_secret_access_key="b").client("sqs")
    ua = client._context.user_agent
    assert ua.startswith(f"squall/{squall.__version__} ua/2.1 os/")
    assert " m/D,e cfg/retry-mode#legacy" in ua


def test_client_config_options(monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config(retries={"mode": "adaptive"}, user_agent_appid="shop", user_agent_extra="tool/2")
    client = _session().client("sqs", endpoint_url="http://127.0.0.1:1", config=config)
    assert client._context.user_agent.endswith(" m/F,N cfg/retry-mode#adaptive app/shop tool/2")
    override = _session().client("sqs", config=Config(user_agent="legacy/1", user_agent_extra="x"))
    assert override._context.user_agent == "legacy/1 x"


def test_appid_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_SDK_UA_APP_ID", "from-env")
    assert " app/from-env" in _session().client("sqs")._context.user_agent
    client = _session().client("sqs", config=Config(user_agent_appid="from-config"))
    assert " app/from-config" in client._context.user_agent


def test_header_sent_on_requests() -> None:
    from squall.runtime._flow import prepare_request

    client = _session(aws_access_key_id="a", aws_secret_access_key="b").client(
        "sqs", config=Config(user_agent_extra="probe/1"))
    op = client.meta.service_model.operation_model("ListQueues")
    request, _ = prepare_request(client._context, op, {})
    assert request.headers["User-Agent"] == client._context.user_agent
    assert request.headers["User-Agent"].endswith(" probe/1")
