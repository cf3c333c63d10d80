"""Resource classes against boto3's: every service and resource has the same names
(identifiers, attributes, actions, references, sub-resources, collections, batch actions,
waiters), reprs and errors; classes are built once per process; introspection works."""
from __future__ import annotations

import pickle
import pydoc
import threading
from typing import Any

import boto3
import pytest

import squall
from squall.exceptions import DataNotFoundError, ResourceNotExistsError, UnknownAPIVersionError


@pytest.fixture
def creds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "k")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "s")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")


def public(obj: Any) -> set[str]:
    return {n for n in dir(obj) if not n.startswith("_")}


def identifier_count(boto_service: Any, name: str) -> int:
    return len(boto_service.meta.resource_model._resource_defs[name].get("identifiers", []))


def test_available_resources_match_boto3(creds: None) -> None:
    assert squall.session.Session().get_available_resources() == boto3.session.Session().get_available_resources()


@pytest.mark.parametrize("service", boto3.session.Session().get_available_resources())
def test_every_resource_matches_boto3(creds: None, service: str) -> None:
    ours, theirs = squall.session.Session().resource(service), boto3.session.Session().resource(service)
    assert public(ours) == public(theirs)
    assert repr(ours) == repr(theirs) == f"{service}.ServiceResource()"
    assert ours.get_available_subresources() == theirs.get_available_subresources()
    for name in theirs.get_available_subresources():
        ids = [f"id-{i}" for i in range(identifier_count(theirs, name))]
        mine, expected = getattr(ours, name)(*ids), getattr(theirs, name)(*ids)
        assert type(mine).__name__ == type(expected).__name__
        assert public(mine) == public(expected), name
        assert repr(mine) == repr(expected)
        assert mine.meta.identifiers == expected.meta.identifiers
        assert mine.get_available_subresources() == expected.get_available_subresources()
        assert hash(mine) == hash(expected)  # (class name, identifiers), as boto3
        for collection in expected.meta.resource_model.collections:
            manager, boto_manager = getattr(mine, collection.name), getattr(expected, collection.name)
            assert type(manager).__name__ == type(boto_manager).__name__
            assert public(manager) == public(boto_manager)
            assert repr(manager) == repr(boto_manager)
            assert repr(manager.all()) == repr(boto_manager.all())
            assert public(manager.all()) == public(boto_manager.all())


def test_identifiers_positional_keyword_and_required(creds: None) -> None:
    s3 = squall.resource("s3")
    assert s3.Object("b", "k") == s3.Object(bucket_name="b", key="k") == s3.Object("b", key="k")
    assert s3.Object("b", "k") != s3.Object("b", "k2")
    assert s3.Object("b", "k") != s3.ObjectSummary("b", "k")
    assert {s3.Bucket("a"), s3.Bucket("a"), s3.Bucket("b")} == {s3.Bucket("a"), s3.Bucket("b")}
    with pytest.raises(ValueError, match="Required parameter key not set"):
        s3.Object("b")
    with pytest.raises(ValueError, match="Unknown keyword argument: nope"):
        s3.Bucket("b", nope=1)
    obj = s3.Bucket("b").Object("k")  # sub-resource: parent identifiers come first
    assert (obj.bucket_name, obj.key) == ("b", "k")
    assert obj.meta.client is s3.meta.client
    assert obj.meta.data is None and obj.meta.identifiers == ["bucket_name", "key"]
    # An identifier that is also a shape member is an alias of it (boto3's memberName).
    vpc = squall.resource("ec2").Vpc("vpc-1")
    assert vpc.vpc_id == vpc.id == "vpc-1"


def test_resource_without_client_uses_the_default_session(creds: None) -> None:
    cls = type(squall.resource("sqs").Queue("https://q"))
    queue = cls("https://q")
    assert queue.meta.client.meta.service_model.service_name == "sqs"


def test_classes_are_built_once_and_shared_by_sessions(creds: None) -> None:
    first, second = squall.session.Session(), squall.session.Session()
    for service in ("s3", "ec2", "dynamodb", "sqs"):
        a, b = first.resource(service), second.resource(service)
        assert type(a) is type(b)
        assert a.meta.client is not b.meta.client
    bucket_a, bucket_b = first.resource("s3").Bucket("x"), second.resource("s3").Bucket("y")
    assert type(bucket_a) is type(bucket_b)
    assert type(bucket_a.objects) is type(bucket_b.objects)


def test_classes_built_concurrently_are_one_class(creds: None) -> None:
    session = squall.session.Session()
    results: list[type] = []
    barrier = threading.Barrier(8)

    def make() -> None:
        barrier.wait()
        results.append(type(session.resource("iam").User("u")))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(results)) == 1


def test_unknown_resource_error_lists_available_resources(creds: None) -> None:
    with pytest.raises(ResourceNotExistsError) as ours:
        squall.session.Session().resource("lambda")
    with pytest.raises(boto3.exceptions.ResourceNotExistsError) as theirs:
        boto3.session.Session().resource("lambda")
    assert str(ours.value) == str(theirs.value).replace("boto3.client", "squall.client")
    assert "   - s3\n" in str(ours.value)
    assert isinstance(ours.value, DataNotFoundError)  # as boto3's subclasses botocore's
    with pytest.raises(ResourceNotExistsError) as no_client:
        squall.session.Session().resource("not-a-service")
    assert "Consider using" not in str(no_client.value)
    assert pickle.loads(pickle.dumps(ours.value)).args == ours.value.args


def test_unknown_api_version_error(creds: None) -> None:
    with pytest.raises(UnknownAPIVersionError) as ours:
        squall.session.Session().resource("ec2", api_version="1999-01-01")
    with pytest.raises(boto3.exceptions.UnknownAPIVersionError) as theirs:
        boto3.session.Session().resource("ec2", api_version="1999-01-01")
    assert str(ours.value) == str(theirs.value)
    older = squall.session.Session().resource("ec2", api_version="2015-10-01")
    assert older.meta.client.meta.service_model.api_version == "2015-10-01"
    assert "Instance" in older.get_available_subresources()


def test_squall_resource_delegates_to_default_session(creds: None) -> None:
    s3 = squall.resource("s3", region_name="eu-west-1")
    assert s3.meta.client.meta.region_name == "eu-west-1"


def test_resource_user_agent_says_resource(creds: None) -> None:
    from squall.config import Config

    client = squall.session.Session().resource("sqs").meta.client
    assert client.meta.config.user_agent_extra == "Resource"
    assert client._context.user_agent.endswith(" Resource")
    own = squall.session.Session().resource("sqs", config=Config(user_agent_extra="mine", retries={"mode": "standard"}))
    assert own.meta.client.meta.config.user_agent_extra == "mine"
    kept = squall.session.Session().resource("sqs", config=Config(connect_timeout=7))
    assert kept.meta.client.meta.config.connect_timeout == 7
    assert kept.meta.client.meta.config.user_agent_extra == "Resource"


def test_attribute_renames_follow_boto3(creds: None) -> None:
    # Collisions get a suffix by kind, in boto3's order of precedence.
    ours, theirs = squall.resource("ec2"), boto3.session.Session().resource("ec2")
    for name in ("Instance", "Image", "Vpc", "SecurityGroup", "Snapshot", "Volume"):
        n = identifier_count(theirs, name)
        assert public(getattr(ours, name)(*["x"] * n)) == public(getattr(theirs, name)(*["x"] * n))
    assert "state_reason" in public(ours.Instance("i-1"))


def test_help_and_dir_show_the_model(creds: None) -> None:
    bucket = squall.resource("s3").Bucket("b")
    names = dir(bucket)
    for expected in ("name", "creation_date", "objects", "delete", "wait_until_exists", "Object", "upload_file"):
        assert expected in names
    text = pydoc.render_doc(type(bucket), renderer=pydoc.plaintext)
    assert "The Bucket's name identifier" in text
    assert "Calls S3.Client.delete_bucket() (DeleteBucket), filling in Bucket from the resource" in text
    assert "ExpectedBucketOwner" in text  # parameters the caller may pass
    assert "Waits until the client waiter BucketExists succeeds" in text
    obj_doc = pydoc.render_doc(type(squall.resource("s3").Object("b", "k")), renderer=pydoc.plaintext)
    assert "content_length" in obj_doc and "(integer)" in obj_doc
    assert type(bucket).__doc__.startswith("A resource representing an s3 Bucket")
    assert "filter(**kwargs)" in (type(bucket).objects.__doc__ or "")
    assert "ObjectSummary" in str(type(bucket).objects.__doc__)


def test_resources_pickle(creds: None) -> None:
    session = squall.session.Session()
    table = session.resource("dynamodb").Table("music")
    table.meta.data = {"TableName": "music", "ItemCount": 3}
    clone = pickle.loads(pickle.dumps(table))
    assert clone == table and type(clone) is type(table)
    assert clone.item_count == 3
    assert clone.meta.client is not table.meta.client
    from squall.dynamodb.transform import is_high_level

    assert is_high_level(clone.meta.client)
    service = pickle.loads(pickle.dumps(session.resource("s3")))
    assert repr(service) == "s3.ServiceResource()"


def test_meta_matches_boto3(creds: None) -> None:
    ours = squall.resource("sqs").Queue("https://q")
    theirs = boto3.session.Session().resource("sqs").Queue("https://q")
    assert repr(ours.meta) == repr(theirs.meta) == "ResourceMeta('sqs', identifiers=['url'])"
    assert ours.meta.service_name == "sqs"
    assert ours.meta.copy().identifiers == ["url"]
