"""No secret reaches a log record, a repr or an explanation.

Every ``squall`` logger runs at DEBUG (through ``squall.set_stream_logger`` and a capturing
handler) while calls use each kind of secret: static keys and a session token, assume-role
credentials from moto's STS, SSO tokens and role credentials from a loopback portal, a
credential_process, an SSE-C key, presigned URLs, and the signed Authorization and
x-amz-security-token headers. Each record's message, arguments and exception text is searched
for every secret value (and its base64 form)."""
from __future__ import annotations

import base64
import io
import hashlib
import json
import logging
import os
import sys
import textwrap
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import pytest

import squall
from squall.config import Config

from _cred_servers import SsoServer

SECRET_KEY = "auditSecretKey0123456789abcdefghijklmnopq"
SESSION_TOKEN = "auditSessionTokenZYXWVUTSRQPONMLKJIHGFEDCBA"
SSE_KEY = b"K" * 16 + b"sse-c-audit-key!"  # 32 bytes
PROCESS_SECRET = "processSecretKey0123456789abcdefghijkl"
PROCESS_TOKEN = "processSessionToken0123456789abcdefgh"


class Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []
        # What set_stream_logger's handler writes, formatted (its stream is pointed here:
        # stderr captured by pytest may be swapped or closed between test phases).
        self.formatted = io.StringIO()

    def emit(self, record: logging.LogRecord) -> None:
        parts = [record.getMessage(), repr(record.args), record.stack_info or ""]
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
        parts.append(record.exc_text or "")
        self.texts.append("\n".join(parts))


@pytest.fixture
def logs(capfd: pytest.CaptureFixture[str]) -> Iterator[Capture]:
    logger = logging.getLogger("squall")
    before_level, before_handlers = logger.level, list(logger.handlers)
    squall.set_stream_logger("squall", logging.DEBUG)
    capture = Capture()
    (stream_handler,) = [h for h in logger.handlers if h not in before_handlers]
    assert isinstance(stream_handler, logging.StreamHandler)
    stream_handler.setStream(capture.formatted)
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.handlers[:] = before_handlers
        logger.setLevel(before_level)


def assert_clean(capture: Capture, stderr: str, secrets: set[str]) -> None:
    secrets = {s for s in secrets if s}
    secrets |= {base64.b64encode(s.encode()).decode() for s in list(secrets)}
    assert capture.texts, "nothing was logged: the audit would prove nothing"
    formatted = capture.formatted.getvalue()
    assert formatted, "set_stream_logger's handler wrote nothing"
    for text in [*capture.texts, formatted, stderr]:
        for secret in secrets:
            assert secret not in text, f"secret {secret[:6]}... logged: {text[:300]}"


def record_sent(client: Any) -> list[dict[str, str]]:
    """Headers of every request the client sends (wrapping its transport, no events involved)."""
    sent: list[dict[str, str]] = []
    original = client._transport.send

    def send(request: Any, **kwargs: Any) -> Any:
        sent.append(dict(request.headers))
        return original(request, **kwargs)
    client._transport.send = send
    return sent


def signatures(sent: list[dict[str, str]]) -> set[str]:
    found = set()
    for headers in sent:
        for name, value in headers.items():
            if name.lower() in ("authorization", "x-amz-security-token"):
                found.add(value)
                if "Signature=" in value:
                    found.add(value.split("Signature=")[-1])
    return found


def test_static_keys_session_token_sse_c_and_presigning(moto_env: str, logs: Capture, capfd) -> None:
    session = squall.session.Session(aws_access_key_id="AKIAAUDITEXAMPLE0001", aws_secret_access_key=SECRET_KEY,
                                     aws_session_token=SESSION_TOKEN, region_name="us-east-1")
    s3 = session.client("s3", config=Config(retries={"mode": "standard"}))
    sent = record_sent(s3)
    s3.create_bucket(Bucket="audit")
    s3.put_object(Bucket="audit", Key="k", Body=b"data", SSECustomerAlgorithm="AES256", SSECustomerKey=SSE_KEY)
    assert s3.get_object(Bucket="audit", Key="k", SSECustomerAlgorithm="AES256",
                         SSECustomerKey=SSE_KEY)["Body"].read() == b"data"
    with pytest.raises(s3.exceptions.ClientError):
        s3.head_object(Bucket="audit", Key="missing")
    bucket = session.resource("s3").Bucket("audit")  # resources log their calls' parameters
    bucket.Object("r").put(Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=SSE_KEY.decode())
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "audit", "Key": "k"})
    list(bucket.objects.all())
    user = session.resource("iam").create_user(UserName="audit")
    pair = user.create_access_key_pair()  # its answer (logged by the resource) holds a secret key
    secrets = {SECRET_KEY, SESSION_TOKEN, SSE_KEY.decode(), url, url.split("X-Amz-Signature=")[-1], pair.secret,
               base64.b64encode(hashlib.md5(SSE_KEY).digest()).decode(), *signatures(sent)}
    assert len(signatures(sent)) > 2
    assert_clean(logs, capfd.readouterr().err, secrets)


def test_assume_role_and_credential_process(moto_env: str, tmp_path: Path, monkeypatch, logs: Capture,
                                            capfd) -> None:
    script = tmp_path / "helper.py"
    script.write_text(textwrap.dedent(f"""\
        import json
        print(json.dumps({{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "{PROCESS_SECRET}",
                          "SessionToken": "{PROCESS_TOKEN}"}}))
        """))
    (tmp_path / "config").write_text(textwrap.dedent(f"""\
        [profile base]
        region = us-east-1
        aws_access_key_id = AKIAAUDITBASE
        aws_secret_access_key = {SECRET_KEY}
        [profile role]
        region = us-east-1
        role_arn = arn:aws:iam::123456789012:role/audit
        source_profile = base
        [profile process]
        region = us-east-1
        credential_process = "{sys.executable}" "{script}"
        """))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name)
    role = squall.session.Session(profile_name="role")
    sqs = role.client("sqs")
    sent = record_sent(sqs)
    sqs.list_queues()
    assumed = role.get_credentials().get_frozen_credentials()
    assert assumed.token and assumed.access_key != "AKIAAUDITBASE"
    process = squall.session.Session(profile_name="process")
    process.client("sqs").list_queues()
    explained = repr(role.explain("sqs")) + repr(process.explain())
    secrets = {SECRET_KEY, assumed.secret_key, assumed.token, PROCESS_SECRET, PROCESS_TOKEN, *signatures(sent)}
    assert_clean(logs, capfd.readouterr().err + explained, secrets)


def test_sso_tokens_and_role_credentials(monkeypatch, tmp_path: Path, logs: Capture, capfd) -> None:
    start_url = "https://d-123.awsapps.com/start"
    with SsoServer() as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO", server.url)
        monkeypatch.setenv("AWS_ENDPOINT_URL_SSO_OIDC", server.url)
        (tmp_path / "config").write_text(textwrap.dedent(f"""\
            [profile dev]
            sso_session = corp
            sso_account_id = 123456789012
            sso_role_name = ReadOnly
            region = us-east-1
            [sso-session corp]
            sso_start_url = {start_url}
            sso_region = eu-west-1
            """))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
        cache = Path(os.environ["HOME"]) / ".aws" / "sso" / "cache" / (hashlib.sha1(b"corp").hexdigest() + ".json")
        cache.parent.mkdir(parents=True, exist_ok=True)
        soon = (datetime.now(timezone.utc) + timedelta(minutes=2)).strftime("%Y-%m-%dT%H:%M:%SZ")
        later = (datetime.now(timezone.utc) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        cache.write_text(json.dumps({  # close to expiry: squall refreshes it through SSO-OIDC
            "startUrl": start_url, "region": "eu-west-1", "accessToken": "sso-access-token", "expiresAt": soon,
            "clientId": "client-id", "clientSecret": "sso-client-secret-value", "registrationExpiresAt": later,
            "refreshToken": "sso-refresh-token"}))
        session = squall.session.Session(profile_name="dev")
        frozen = session.get_credentials().get_frozen_credentials()
        explained = repr(session.explain()) + repr(session.get_credentials()) + repr(frozen)
    assert frozen.secret_key == "sso-secret" and server.issued == 1
    secrets = {"sso-access-token", "sso-access-token-1", "sso-refresh-token", "sso-refresh-token-1",
               "sso-client-secret-value", "sso-secret", "sso-session-token"}
    assert_clean(logs, capfd.readouterr().err + explained, secrets)


def test_reprs_carry_no_secret(monkeypatch) -> None:
    session = squall.session.Session(aws_access_key_id="AKIAREPR", aws_secret_access_key=SECRET_KEY,
                                     aws_session_token=SESSION_TOKEN, region_name="us-east-1")
    config = Config(proxies={"https": "http://user:proxy-password@proxy.example:8080"}, retries={"mode": "standard"})
    client = session.client("sqs", config=config)
    creds = session.get_credentials()
    texts = [repr(session), str(session), repr(client), repr(config), str(config), repr(creds), str(creds),
             repr(creds.get_frozen_credentials()), repr(session.explain()), repr(client.meta.explain()),
             repr(client.meta.config)]
    assert "proxy.example" in repr(config)  # the useful part stays
    for text in texts:
        for secret in (SECRET_KEY, SESSION_TOKEN, "proxy-password"):
            assert secret not in text, text
