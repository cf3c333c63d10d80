"""What ``import squall`` and a new client load: the heavy parts wait for first use.

These keep the start-up figures in bench/ honest over time: urllib3, the credential
providers, signing and validation load on a client's first call, not before.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _modules_after(code: str, tmp_path: Path) -> set[str]:
    script = f"""
import json, sys
sys.path.insert(0, {str(SRC)!r})
before = set(sys.modules)
{code}
print(json.dumps(sorted(set(sys.modules) - before)))
"""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true",
           "AWS_CONFIG_FILE": str(tmp_path / "c"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "cr")}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


def test_import_squall_stays_light(tmp_path: Path) -> None:
    loaded = _modules_after("import squall; squall.session.Session()", tmp_path)
    heavy = {"urllib3", "ssl", "squall.credentials.builder", "squall.auth", "squall.runtime.validate",
             "dataclasses", "inspect"}  # squall._dataclass: ~4 ms less
    assert not heavy & loaded


def test_making_a_client_defers_transport_signing_and_validation(tmp_path: Path) -> None:
    loaded = _modules_after(
        "import squall; squall.session.Session(region_name='us-east-1').client('sqs')", tmp_path)
    assert "squall.runtime._build" in loaded
    deferred = {"urllib3", "ssl", "squall.auth", "squall.runtime.validate", "squall.runtime._flow",
                "squall.credentials.builder", "squall.credentials.providers", "email.utils", "platform",
                "dataclasses", "inspect",
                # the first call's: codecs, the clock, uuid; adaptive retries are for adaptive clients
                "squall.protocols", "datetime", "uuid", "decimal", "calendar", "locale",
                "squall.retries.adaptive"}
    assert not deferred & loaded


def test_resources_build_without_the_first_calls_modules(tmp_path: Path) -> None:
    """resource() for S3 and DynamoDB: no codecs, clock or DynamoDB value types until a call."""
    loaded = _modules_after(
        "import squall; s = squall.session.Session(region_name='us-east-1');"
        "s.resource('s3'); s.resource('dynamodb')", tmp_path)
    assert {"squall.resources.model", "squall.dynamodb.transform", "squall.customizations.s3_express"} <= loaded
    deferred = {"squall.protocols", "datetime", "decimal", "calendar", "uuid", "squall.dynamodb.types",
                "squall.dynamodb.conditions", "squall.runtime._flow", "dataclasses", "inspect"}
    assert not deferred & loaded


def test_an_s3_client_reads_only_the_shapes_it_needs(tmp_path: Path) -> None:
    """S3's sdk-extras overlay (one retyped shape) leaves the rest of the cached table undecoded."""
    loaded = _modules_after(
        "import squall; c = squall.session.Session(region_name='us-east-1').client('s3');"
        "shapes = c.meta.service_model._shapes_raw;"
        "assert shapes['Expires'] == {'type': 'timestamp'}, shapes['Expires'];"
        "from squall.models._diskcache import LazyEntries;"
        "base = shapes._base;"
        "assert not isinstance(base, LazyEntries) or len(base._decoded) < len(base) // 2, repr(base)", tmp_path)
    assert "squall.runtime._build" in loaded


def test_lazy_credentials_package_exports_everything() -> None:
    import squall.credentials as credentials

    assert set(credentials.__all__) == set(credentials._WHERE)
    for name in credentials.__all__:
        assert getattr(credentials, name) is not None


def test_environment_keys_resolve_without_the_other_providers(tmp_path: Path) -> None:
    """The chain makes a provider when it reaches it: keys in the environment never import
    the SSO, STS, IMDS, container, login or process providers."""
    loaded = _modules_after(
        "import os; os.environ.update(AWS_ACCESS_KEY_ID='AKID', AWS_SECRET_ACCESS_KEY='s');"
        "import squall; assert squall.session.Session().get_credentials().method == 'env'", tmp_path)
    assert "squall.credentials.providers" in loaded
    later = {f"squall.credentials.{m}" for m in
             ("sso", "_sts", "assume_role", "web_identity", "imds", "container", "login", "process")}
    assert not later & loaded


def test_a_dynamodb_client_resolves_no_credentials_when_made(tmp_path: Path) -> None:
    """DynamoDB's rules take the account id; each call reads it from its own credentials."""
    loaded = _modules_after(
        "import squall; squall.session.Session(region_name='us-east-1').client('dynamodb')", tmp_path)
    assert not {"squall.runtime._credential_io", "squall.credentials.chain", "squall.credentials._effects"} & loaded
