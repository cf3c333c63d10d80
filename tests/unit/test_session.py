"""The Session as boto3 users know it: profiles, precedence, credentials, catalogue."""
from __future__ import annotations

import pickle
import textwrap
import threading
from pathlib import Path

import boto3
import pytest

import squall
from squall.exceptions import NoCredentialsError, PartialCredentialsError, ProfileNotFound


def write_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, config: str = "", credentials: str = "") -> None:
    (tmp_path / "config").write_text(textwrap.dedent(config))
    (tmp_path / "credentials").write_text(textwrap.dedent(credentials))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))


def test_default_profile_used_when_present(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="""\
        [default]
        region = eu-central-1
        """)
    session = squall.session.Session()
    assert session.region_name == "eu-central-1"
    assert session.profile_name == "default"
    assert session.region_name == boto3.session.Session().region_name


def test_no_default_profile_means_empty_config(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="[profile other]\nregion = eu-west-1\n")
    session = squall.session.Session()
    assert session.region_name is None
    assert session.get_credentials() is None


def test_unknown_profile_names_profile_and_files(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch)
    with pytest.raises(ProfileNotFound) as info:
        squall.session.Session(profile_name="ghost")
    message = str(info.value)
    assert "ghost" in message
    assert str(tmp_path / "config") in message and str(tmp_path / "credentials") in message


def test_aws_profile_env_selects_profile(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="[profile dev]\nregion = ap-south-1\n")
    monkeypatch.setenv("AWS_PROFILE", "dev")
    session = squall.session.Session()
    assert session.profile_name == "dev"
    assert session.region_name == "ap-south-1"


def test_explicit_arguments_win(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="[default]\nregion = eu-west-1\n",
                credentials="[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    session = squall.session.Session(aws_access_key_id="ARGKEY", aws_secret_access_key="argsecret",
                                     region_name="ca-central-1")
    creds = session.get_credentials()
    assert (creds.access_key, creds.method) == ("ARGKEY", "explicit")
    assert session.region_name == "ca-central-1"
    assert session.explain()["region"][1].startswith("explicit")


def test_credential_chain_order_matches_boto3(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch,
                config="[default]\naws_access_key_id = CFGKEY\naws_secret_access_key = cfgsecret\n",
                credentials="[default]\naws_access_key_id = CREDKEY\naws_secret_access_key = credsecret\n")
    # env beats the credentials file, which beats the config file
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    ours, theirs = squall.session.Session().get_credentials(), boto3.session.Session().get_credentials()
    assert (ours.access_key, ours.method) == (theirs.access_key, theirs.method) == ("ENVKEY", "env")
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    ours, theirs = squall.session.Session().get_credentials(), boto3.session.Session().get_credentials()
    assert (ours.access_key, ours.method) == (theirs.access_key, theirs.method) == ("CREDKEY", "shared-credentials-file")
    assert ours.source == f"{tmp_path / 'credentials'} [default] line 2"
    (tmp_path / "credentials").write_text("")
    ours, theirs = squall.session.Session().get_credentials(), boto3.session.Session().get_credentials()
    assert (ours.access_key, ours.method) == (theirs.access_key, theirs.method) == ("CFGKEY", "config-file")


def test_explicit_profile_skips_env_credentials_like_boto3(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch,
                credentials="[dev]\naws_access_key_id = DEVKEY\naws_secret_access_key = devsecret\n")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ENVKEY")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "envsecret")
    ours = squall.session.Session(profile_name="dev").get_credentials()
    theirs = boto3.session.Session(profile_name="dev").get_credentials()
    assert ours.access_key == theirs.access_key == "DEVKEY"


def test_no_credentials_error_lists_every_provider(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="[profile dev]\nregion = us-east-1\n")
    session = squall.session.Session(profile_name="dev", region_name="us-east-1")
    client = session.client("sqs", endpoint_url="http://127.0.0.1:9")
    with pytest.raises(NoCredentialsError) as info:
        client.list_queues()
    message = str(info.value)
    assert message.startswith("Unable to locate credentials")
    for provider in ("explicit", "env", "shared-credentials-file", "config-file"):
        assert f"- {provider}:" in message
    assert "profile 'dev' was named explicitly" in message
    assert "has no aws_access_key_id" in message


def test_partial_env_credentials_are_an_error(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "ONLYKEY")
    with pytest.raises(PartialCredentialsError) as info:
        squall.session.Session().get_credentials()
    assert "AWS_SECRET_ACCESS_KEY" in str(info.value)


def test_secrets_never_in_repr(monkeypatch) -> None:
    session = squall.session.Session(aws_access_key_id="AKIAABCDEFGHIJKLMNOP",
                                     aws_secret_access_key="SUPERSECRETVALUE123", aws_session_token="TOKENVALUE")
    creds = session.get_credentials()
    for text in (repr(creds), str(creds), repr(creds.get_frozen_credentials()), repr(session.explain())):
        assert "SUPERSECRETVALUE123" not in text and "TOKENVALUE" not in text
        assert "AKIAABCDEFGHIJKLMNOP" not in text
    access, secret, token, _ = creds.get_frozen_credentials()
    assert (access, secret, token) == ("AKIAABCDEFGHIJKLMNOP", "SUPERSECRETVALUE123", "TOKENVALUE")


def test_available_services_match_boto3() -> None:
    assert squall.session.Session().get_available_services() == boto3.session.Session().get_available_services()
    assert squall.session.Session().get_available_resources() == boto3.session.Session().get_available_resources()


def test_regions_and_partitions_match_boto3() -> None:
    ours, theirs = squall.session.Session(), boto3.session.Session()
    assert ours.get_available_partitions() == theirs.get_available_partitions()
    for service in theirs.get_available_services():
        for partition in theirs.get_available_partitions():
            for non_regional in (False, True):
                assert ours.get_available_regions(service, partition, non_regional) == \
                    theirs.get_available_regions(service, partition, non_regional), (service, partition)
    assert ours.get_available_regions("not-a-service") == theirs.get_available_regions("not-a-service") == []
    for region in ("us-east-1", "cn-north-1", "us-gov-west-1", "eu-south-7", "us-iso-east-1"):
        assert ours.get_partition_for_region(region) == theirs.get_partition_for_region(region)


def test_session_pickles_as_its_arguments(tmp_path, monkeypatch) -> None:
    write_files(tmp_path, monkeypatch, config="[profile dev]\nregion = eu-west-3\n")
    session = squall.session.Session(profile_name="dev", aws_access_key_id="K", aws_secret_access_key="S")
    clone = pickle.loads(pickle.dumps(session))
    assert clone.profile_name == "dev" and clone.region_name == "eu-west-3"
    assert clone.get_credentials().access_key == "K"
    client = clone.client("sqs")
    again = pickle.loads(pickle.dumps(client))
    assert type(again).__name__ == "SQS" and again.meta.region_name == "eu-west-3"


def test_default_session_created_once_under_contention(monkeypatch) -> None:
    monkeypatch.setattr(squall, "DEFAULT_SESSION", None)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    seen: list[object] = []
    barrier = threading.Barrier(32)

    def grab() -> None:
        barrier.wait()
        seen.append(squall._get_default_session())

    threads = [threading.Thread(target=grab) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 32 and len({id(s) for s in seen}) == 1
    assert squall.DEFAULT_SESSION is seen[0]


def test_setup_default_session(monkeypatch) -> None:
    monkeypatch.setattr(squall, "DEFAULT_SESSION", None)
    squall.setup_default_session(region_name="sa-east-1")
    assert squall.DEFAULT_SESSION.region_name == "sa-east-1"
    assert squall.client("sqs").meta.region_name == "sa-east-1"


def test_session_events_reach_clients_made_afterwards() -> None:
    session = squall.session.Session(region_name="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")
    seen = []
    session.events.register("before-parameter-build.sqs", lambda params, **kw: seen.append(dict(params)))
    client = session.client("sqs")
    client.meta.events.register("before-send", lambda request, **kw: squall.http.HttpResponse(status_code=200, body=b"{}"))
    client.list_queues(QueueNamePrefix="x")
    assert seen == [{"QueueNamePrefix": "x"}]


@pytest.mark.parametrize(("service", "region", "endpoint_url"), [
    ("sqs", None, None), ("sqs", None, "http://127.0.0.1:9"), ("iam", None, None), ("iam", "us-east-1", None),
    ("s3", None, None), ("s3", "us-east-1", None), ("s3", "eu-west-1", None), ("s3", None, "http://127.0.0.1:9"),
    ("sts", "eu-west-1", None), ("sts", None, None), ("sqs", "xx-fake-1", None), ("dynamodb", "cn-north-1", None),
    ("route53", "eu-west-1", None), ("cloudfront", None, None), ("ec2", "us-gov-west-1", None),
])
def test_client_region_and_endpoint_match_boto3(service, region, endpoint_url) -> None:
    def make(lib):
        try:
            client = lib.session.Session().client(service, region_name=region, endpoint_url=endpoint_url,
                                                  aws_access_key_id="k", aws_secret_access_key="s")
        except Exception as exc:
            return type(exc).__name__
        return client.meta.region_name, client.meta.endpoint_url, client.meta.partition

    assert make(squall) == make(boto3)


@pytest.mark.parametrize("marker", ["squall", "botocore", "text"])
def test_unsigned_clients_send_no_signature(marker) -> None:
    import botocore

    value = {"squall": squall.UNSIGNED, "botocore": botocore.UNSIGNED, "text": "unsigned"}[marker]
    client = squall.session.Session(region_name="us-east-1").client(
        "s3", config=squall.config.Config(signature_version=value))
    sent = []
    client.meta.events.register("before-send", lambda request, **kw: sent.append(request.headers)
                                or squall.http.HttpResponse(status_code=200, body=b"<ListAllMyBucketsResult/>"))
    client.list_buckets()
    assert "Authorization" not in sent[0]
