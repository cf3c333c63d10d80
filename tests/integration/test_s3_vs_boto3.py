"""S3 (rest-xml) through squall, call for call against boto3, on moto's server.

Buckets, objects with unicode keys and spaces, metadata, ranges, listings (2,000+ keys
through the paginator), copies (CopySource as a string and as a dict), batch deletes,
multipart uploads, versioning, tagging, and modelled errors (NoSuchKey, NoSuchBucket,
HEAD 404s). boto3 adds default CRC32 checksums that squall does not send yet; the oracle
drops the checksum fields from both sides (see ``_oracle.DROPPED_KEYS``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import boto3
import pytest

import squall
from _oracle import compare, mask, record, reset

KEYS = ["plain.txt", "dir/with space.txt", "dir/ünïcødé ✓.txt", "dir/sub/a+b=c&d;e.txt",
        "odd/percent%20and?query#frag", "odd/~tilde'quote\"(paren)"]
PART = 5 * 1024 * 1024  # moto enforces S3's 5 MiB minimum for all parts but the last


def read(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """A GetObject result with its StreamingBody read, so both runs compare as data."""
    if result is not None and "Body" in result:
        with result["Body"] as body:
            result = {**result, "Body": body.read()}
    return result


def buckets_and_objects(s3: Any, steps: list) -> None:
    record(steps, "create", lambda: s3.create_bucket(Bucket="main"))
    record(steps, "create_eu", lambda: s3.create_bucket(
        Bucket="europe", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}))
    record(steps, "location_us", lambda: s3.get_bucket_location(Bucket="main"))
    record(steps, "location_eu", lambda: s3.get_bucket_location(Bucket="europe"))
    record(steps, "head_bucket", lambda: s3.head_bucket(Bucket="main"))
    record(steps, "list_buckets", lambda: s3.list_buckets())
    for i, key in enumerate(KEYS):
        record(steps, f"put {key}", lambda: s3.put_object(
            Bucket="main", Key=key, Body=f"body {i}: {key}".encode(), ContentType="text/plain; charset=utf-8",
            Metadata={"owner": "team-a", "Mixed-Case": "Value With Spaces"}, CacheControl="max-age=60"))
    record(steps, "put_str_body", lambda: s3.put_object(Bucket="main", Key="str", Body="ünïcode text"))
    record(steps, "put_tagged", lambda: s3.put_object(
        Bucket="main", Key="tagged", Body=b"t", Tagging="k1=v1&k2=v%202"))
    for key in KEYS:
        record(steps, f"get {key}", lambda: read(s3.get_object(Bucket="main", Key=key)))
        record(steps, f"head {key}", lambda: s3.head_object(Bucket="main", Key=key))
    record(steps, "get_str", lambda: read(s3.get_object(Bucket="main", Key="str")))
    record(steps, "range", lambda: read(s3.get_object(Bucket="main", Key=KEYS[2], Range="bytes=2-9")))
    record(steps, "range_suffix", lambda: read(s3.get_object(Bucket="main", Key=KEYS[2], Range="bytes=-4")))
    record(steps, "range_bad", lambda: read(s3.get_object(Bucket="main", Key="plain.txt", Range="bytes=500-600")))
    record(steps, "override_headers", lambda: read(s3.get_object(
        Bucket="main", Key="plain.txt", ResponseContentType="application/json",
        ResponseContentDisposition='attachment; filename="x.json"')))
    record(steps, "if_none_match", lambda: read(s3.get_object(Bucket="main", Key="plain.txt", IfNoneMatch="*")))
    record(steps, "list_v2", lambda: s3.list_objects_v2(Bucket="main"))
    record(steps, "list_v2_delimited", lambda: s3.list_objects_v2(Bucket="main", Prefix="dir/", Delimiter="/"))
    record(steps, "list_v2_start_after", lambda: s3.list_objects_v2(Bucket="main", StartAfter="dir/with space.txt"))
    record(steps, "list_v1", lambda: s3.list_objects(Bucket="main", Prefix="odd/"))
    record(steps, "list_url_encoded", lambda: s3.list_objects_v2(Bucket="main", Prefix="dir/", EncodingType="url"))


def copies_and_deletes(s3: Any, steps: list) -> None:
    record(steps, "copy_str", lambda: s3.copy_object(
        Bucket="main", Key="copies/one", CopySource=f"main/{KEYS[1]}"))
    record(steps, "copy_dict", lambda: s3.copy_object(
        Bucket="main", Key="copies/two ✓", CopySource={"Bucket": "main", "Key": KEYS[2]},
        MetadataDirective="REPLACE", Metadata={"copied": "yes"}))
    record(steps, "copy_cross_bucket", lambda: s3.copy_object(
        Bucket="europe", Key="moved", CopySource={"Bucket": "main", "Key": KEYS[4]}))
    record(steps, "get_copy", lambda: read(s3.get_object(Bucket="main", Key="copies/two ✓")))
    record(steps, "copy_missing", lambda: s3.copy_object(
        Bucket="main", Key="copies/none", CopySource="main/does-not-exist"))
    record(steps, "delete_one", lambda: s3.delete_object(Bucket="main", Key="copies/one"))
    record(steps, "delete_batch", lambda: s3.delete_objects(Bucket="main", Delete={"Objects": [
        {"Key": KEYS[0]}, {"Key": KEYS[3]}, {"Key": "copies/two ✓"}, {"Key": "never-existed"}]}))
    record(steps, "delete_batch_quiet", lambda: s3.delete_objects(Bucket="main", Delete={
        "Objects": [{"Key": KEYS[5]}], "Quiet": True}))
    record(steps, "list_after", lambda: s3.list_objects_v2(Bucket="main"))


def multipart(s3: Any, steps: list) -> None:
    upload = record(steps, "create_mpu", lambda: s3.create_multipart_upload(
        Bucket="main", Key="big/ünï file.bin", ContentType="application/octet-stream",
        Metadata={"parts": "2"}))["UploadId"]
    first = bytes(range(256)) * (PART // 256)
    e1 = record(steps, "part1", lambda: s3.upload_part(
        Bucket="main", Key="big/ünï file.bin", UploadId=upload, PartNumber=1, Body=first))["ETag"]
    e2 = record(steps, "part2", lambda: s3.upload_part(
        Bucket="main", Key="big/ünï file.bin", UploadId=upload, PartNumber=2, Body=b"tail"))["ETag"]
    record(steps, "list_uploads", lambda: s3.list_multipart_uploads(Bucket="main"))
    record(steps, "list_parts", lambda: s3.list_parts(Bucket="main", Key="big/ünï file.bin", UploadId=upload))
    record(steps, "complete", lambda: s3.complete_multipart_upload(
        Bucket="main", Key="big/ünï file.bin", UploadId=upload, MultipartUpload={"Parts": [
            {"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]}))
    record(steps, "head_big", lambda: s3.head_object(Bucket="main", Key="big/ünï file.bin"))
    record(steps, "get_big_range", lambda: read(s3.get_object(
        Bucket="main", Key="big/ünï file.bin", Range=f"bytes={PART - 2}-{PART + 3}")))
    record(steps, "get_part_2", lambda: read(s3.get_object(Bucket="main", Key="big/ünï file.bin", PartNumber=2)))
    small = record(steps, "create_small", lambda: s3.create_multipart_upload(Bucket="main", Key="small"))["UploadId"]
    parts = [record(steps, f"small_part{n}", lambda: s3.upload_part(
        Bucket="main", Key="small", UploadId=small, PartNumber=n, Body=b"x" * 10))["ETag"] for n in (1, 2)]
    record(steps, "complete_too_small", lambda: s3.complete_multipart_upload(
        Bucket="main", Key="small", UploadId=small, MultipartUpload={"Parts": [
            {"PartNumber": n, "ETag": e} for n, e in zip((1, 2), parts)]}))
    record(steps, "abort", lambda: s3.abort_multipart_upload(Bucket="main", Key="small", UploadId=small))
    record(steps, "abort_again", lambda: s3.abort_multipart_upload(Bucket="main", Key="small", UploadId=small))


def versioning_and_tagging(s3: Any, steps: list) -> None:
    record(steps, "create_versioned", lambda: s3.create_bucket(Bucket="versions"))
    record(steps, "versioning_off", lambda: s3.get_bucket_versioning(Bucket="versions"))
    record(steps, "enable", lambda: s3.put_bucket_versioning(
        Bucket="versions", VersioningConfiguration={"Status": "Enabled"}))
    record(steps, "versioning_on", lambda: s3.get_bucket_versioning(Bucket="versions"))
    v1 = record(steps, "put_v1", lambda: s3.put_object(Bucket="versions", Key="doc", Body=b"one"))["VersionId"]
    record(steps, "put_v2", lambda: s3.put_object(Bucket="versions", Key="doc", Body=b"two"))
    record(steps, "get_v1", lambda: read(s3.get_object(Bucket="versions", Key="doc", VersionId=v1)))
    record(steps, "copy_v1", lambda: s3.copy_object(
        Bucket="versions", Key="doc-copy", CopySource={"Bucket": "versions", "Key": "doc", "VersionId": v1}))
    record(steps, "copy_v1_str", lambda: s3.copy_object(
        Bucket="versions", Key="doc-copy2", CopySource=f"versions/doc?versionId={v1}"))
    record(steps, "get_copy_v1", lambda: read(s3.get_object(Bucket="versions", Key="doc-copy2")))
    record(steps, "delete_marker", lambda: s3.delete_object(Bucket="versions", Key="doc"))
    record(steps, "get_deleted", lambda: s3.get_object(Bucket="versions", Key="doc"))
    record(steps, "versions", lambda: s3.list_object_versions(Bucket="versions", Prefix="doc"))
    record(steps, "delete_version", lambda: s3.delete_object(Bucket="versions", Key="doc", VersionId=v1))
    record(steps, "get_missing_version", lambda: s3.get_object(Bucket="versions", Key="doc", VersionId=v1))

    record(steps, "tag_object", lambda: s3.put_object_tagging(Bucket="versions", Key="doc-copy", Tagging={
        "TagSet": [{"Key": "env", "Value": "ci"}, {"Key": "ünï", "Value": "cødé"}]}))
    record(steps, "object_tags", lambda: s3.get_object_tagging(Bucket="versions", Key="doc-copy"))
    record(steps, "tag_bucket", lambda: s3.put_bucket_tagging(Bucket="versions", Tagging={
        "TagSet": [{"Key": "team", "Value": "a"}]}))
    record(steps, "bucket_tags", lambda: s3.get_bucket_tagging(Bucket="versions"))
    record(steps, "delete_bucket_tags", lambda: s3.delete_bucket_tagging(Bucket="versions"))
    record(steps, "no_bucket_tags", lambda: s3.get_bucket_tagging(Bucket="versions"))
    record(steps, "delete_object_tags", lambda: s3.delete_object_tagging(Bucket="versions", Key="doc-copy"))


def location_error(s3: Any) -> Any:
    """botocore's GetBucketLocation handler also runs on errors and adds a meaningless
    ``LocationConstraint: None`` to the error response; squall leaves error responses
    alone. The rest of the error must match."""
    try:
        return s3.get_bucket_location(Bucket="no-such-bucket-here")
    except Exception as exc:
        response = getattr(exc, "response", {})
        assert response.pop("LocationConstraint", None) is None
        raise


def errors(s3: Any, steps: list) -> None:
    record(steps, "no_such_key", lambda: s3.get_object(Bucket="main", Key="nope/ünï"))
    record(steps, "no_such_bucket", lambda: s3.list_objects_v2(Bucket="no-such-bucket-here"))
    record(steps, "get_no_bucket", lambda: s3.get_object(Bucket="no-such-bucket-here", Key="k"))
    record(steps, "head_404", lambda: s3.head_object(Bucket="main", Key="nope"))
    record(steps, "head_bucket_404", lambda: s3.head_bucket(Bucket="no-such-bucket-here"))
    record(steps, "location_404", lambda: location_error(s3))
    record(steps, "bucket_exists", lambda: s3.create_bucket(Bucket="main"))
    record(steps, "not_empty", lambda: s3.delete_bucket(Bucket="europe"))
    record(steps, "no_versioning_tags", lambda: s3.get_object_tagging(Bucket="main", Key="nope"))
    record(steps, "bad_bucket_name", lambda: s3.list_objects(Bucket="bad/name"))


def s3_scenario(s3: Any, steps: list) -> None:
    buckets_and_objects(s3, steps)
    copies_and_deletes(s3, steps)
    multipart(s3, steps)
    versioning_and_tagging(s3, steps)
    errors(s3, steps)


def test_s3_matches_boto3(moto_env: str) -> None:
    steps = dict(compare(moto_env, s3_scenario, lambda: squall.session.Session().client("s3"),
                         lambda: boto3.session.Session().client("s3")))
    assert steps["location_us"]["LocationConstraint"] is None
    assert steps["location_eu"]["LocationConstraint"] == "eu-west-1"
    assert steps[f"get {KEYS[2]}"]["Body"] == f"body 2: {KEYS[2]}".encode()
    assert steps[f"head {KEYS[1]}"]["Metadata"] == {"owner": "team-a", "mixed-case": "Value With Spaces"}
    assert steps["range"]["ContentRange"].startswith("bytes 2-9/")
    assert steps["no_such_key"]["error"] == "NoSuchKey"
    assert steps["no_such_bucket"]["error"] == "NoSuchBucket"
    assert steps["head_404"]["response"]["Error"]["Code"] == "404"


def test_modelled_errors_are_catchable(moto_env: str) -> None:
    s3 = squall.session.Session().client("s3")
    s3.create_bucket(Bucket="errs")
    with pytest.raises(s3.exceptions.NoSuchKey) as info:
        s3.get_object(Bucket="errs", Key="missing key ✓")
    assert info.value.response["Error"]["Key"] == "missing key ✓"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    with pytest.raises(s3.exceptions.NoSuchBucket):
        s3.list_objects_v2(Bucket="errs-missing")
    with pytest.raises(squall.exceptions.ClientError) as head:
        s3.head_object(Bucket="errs", Key="missing")
    assert head.value.response["Error"] == {"Code": "404", "Message": "Not Found"}
    assert not isinstance(head.value, s3.exceptions.NoSuchKey)  # a HEAD has no body to name it


def test_listing_2050_keys_with_the_paginator(moto_env: str) -> None:
    """2,050 unicode keys: three pages of ListObjectsV2, ListObjects pages of 500 under a
    prefix, MaxItems with a resume token. Both libraries page through the same bucket and
    must see the same pages. The keys are written once, not per library, because moto
    spends ~7 ms of CPU per PUT (squall writes them from a few threads)."""
    reset(moto_env)
    ours = squall.session.Session().client("s3")
    theirs = boto3.session.Session().client("s3")
    ours.create_bucket(Bucket="many")
    keys = [f"d{i % 3}/k ✓ {i:05d}" for i in range(2050)]
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda k: ours.put_object(Bucket="many", Key=k, Body=b""), keys))

    def pages(client: Any, operation: str, **params: Any) -> list[Any]:
        return [mask(p) for p in client.get_paginator(operation).paginate(Bucket="many", **params)]

    mine = pages(ours, "list_objects_v2")
    assert [len(p["Contents"]) for p in mine] == [1000, 1000, 50]
    assert [o["Key"] for p in mine for o in p["Contents"]] == sorted(keys)
    assert mine == pages(theirs, "list_objects_v2")
    v1 = pages(ours, "list_objects", PaginationConfig={"PageSize": 500}, Prefix="d1/")
    assert v1 == pages(theirs, "list_objects", PaginationConfig={"PageSize": 500}, Prefix="d1/")
    assert sum(len(p["Contents"]) for p in v1) == len([k for k in keys if k.startswith("d1/")])
    config = {"MaxItems": 1100, "PageSize": 700}
    cut = ours.get_paginator("list_objects_v2").paginate(Bucket="many", PaginationConfig=config).build_full_result()
    assert len(cut["Contents"]) == 1100 and "NextToken" in cut
    assert mask(cut) == mask(theirs.get_paginator("list_objects_v2").paginate(
        Bucket="many", PaginationConfig=config).build_full_result())
    rest = ours.get_paginator("list_objects_v2").paginate(
        Bucket="many", PaginationConfig={"StartingToken": cut["NextToken"]}).build_full_result()
    assert [o["Key"] for o in cut["Contents"] + rest["Contents"]] == sorted(keys)
