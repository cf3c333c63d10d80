"""S3 resources against boto3 on moto: bucket and object lifecycle, collections over
2,500 objects (all, filter, limit, page_size, pages, batch delete), and the transfer
methods (multipart upload, ranged download, multipart copy) on client, Bucket and Object."""
from __future__ import annotations

import hashlib
import io
import random
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from _resources_oracle import compare_resources, step

MB = 1024 * 1024


def lifecycle(s3: Any, steps: list) -> None:
    bucket = step(steps, "create", lambda: s3.create_bucket(Bucket="res-life"))
    step(steps, "wait", lambda: bucket.wait_until_exists())
    step(steps, "buckets", lambda: list(s3.buckets.all()))
    step(steps, "creation_date", lambda: type(bucket.creation_date).__name__)
    obj = step(steps, "put_object", lambda: bucket.put_object(Key="docs/a.txt", Body=b"alpha", ContentType="text/plain",
                                                             Metadata={"owner": "me"}))
    step(steps, "object_put", lambda: bucket.Object("docs/b.txt").put(Body=b"beta" * 100))
    step(steps, "attributes", lambda: (obj.content_length, obj.content_type, obj.metadata, obj.e_tag))
    step(steps, "get_body", lambda: obj.get()["Body"].read())
    step(steps, "get_range", lambda: obj.get(Range="bytes=1-3")["Body"].read())
    step(steps, "copy_from", lambda: bucket.Object("docs/c.txt").copy_from(
        CopySource={"Bucket": "res-life", "Key": "docs/a.txt"}))
    step(steps, "summaries", lambda: [(o.key, o.size, o.e_tag) for o in bucket.objects.all()])
    step(steps, "summary_to_object", lambda: [o.Object().content_length for o in bucket.objects.filter(Prefix="docs/b")])
    step(steps, "object_exists_wait", lambda: bucket.Object("docs/c.txt").wait_until_exists())
    step(steps, "acl_owner", lambda: bucket.Acl().owner)
    step(steps, "tagging", lambda: bucket.Tagging().put(Tagging={"TagSet": [{"Key": "t", "Value": "v"}]}))
    step(steps, "tag_set", lambda: bucket.Tagging().tag_set)
    step(steps, "missing_object", lambda: s3.Object("res-life", "nope").load())
    step(steps, "delete_one", lambda: obj.delete())
    step(steps, "after_delete", lambda: sorted(o.key for o in bucket.objects.all()))
    step(steps, "batch_delete", lambda: bucket.objects.all().delete())
    step(steps, "empty", lambda: list(bucket.objects.all()))
    step(steps, "delete_bucket", lambda: bucket.delete())
    step(steps, "gone", lambda: s3.Bucket("res-life").wait_until_not_exists())
    step(steps, "missing_bucket", lambda: s3.Bucket("res-life").Object("x").get())


def test_bucket_and_object_lifecycle_match_boto3(moto_env: str) -> None:
    steps = compare_resources(moto_env, "s3", lifecycle)
    assert steps["get_body"] == b"alpha" and steps["get_range"] == b"lph"
    assert steps["attributes"][:3] == [5, "text/plain", {"owner": "me"}]
    assert steps["missing_object"]["error"] == "ClientError"
    assert steps["missing_bucket"]["response"]["Error"]["Code"] == "NoSuchBucket"
    assert steps["after_delete"] == ["docs/b.txt", "docs/c.txt"] and steps["empty"] == []


OBJECTS = 2500


def read_collections(s3: Any) -> list[tuple[str, Any]]:
    """Read-only collection steps over the shared bucket (any library)."""
    bucket = s3.Bucket("res-many")
    steps: list = []
    step(steps, "pages", lambda: [[(o.key, o.size) for o in page] for page in bucket.objects.pages()])
    step(steps, "page_size", lambda: [len(p) for p in bucket.objects.page_size(400).limit(1000).pages()])
    step(steps, "limit_pages", lambda: [[o.key for o in p][-1] for p in bucket.objects.page_size(500).limit(1234).pages()])
    step(steps, "filter", lambda: sum(1 for _ in bucket.objects.filter(Prefix="d1/")))
    step(steps, "filter_chain", lambda: [o.key for o in bucket.objects.filter(Prefix="d2/").filter(Marker="d2/k01000")
                                         .limit(3)])
    step(steps, "buckets", lambda: list(s3.buckets.filter()))
    return steps


def delete_prefix(s3: Any, prefix: str) -> list:
    steps: list = []
    bucket = s3.Bucket("res-many")
    step(steps, "delete_prefix", lambda: [sorted(d["Key"] for d in r["Deleted"])
                                          for r in bucket.objects.filter(Prefix=prefix).page_size(200).delete()])
    step(steps, "left_in_prefix", lambda: list(bucket.objects.filter(Prefix=prefix)))
    return steps


def test_collections_over_2500_objects_match_boto3(moto_env: str) -> None:
    """One bucket of 2,500 objects, made once (moto makes them slowly), read through
    both libraries; then each library batch-deletes its own quarter of it."""
    import boto3

    import squall
    from _oracle import reset

    reset(moto_env)
    ours, theirs = squall.session.Session().resource("s3"), boto3.session.Session().resource("s3")
    ours.create_bucket(Bucket="res-many")
    client = ours.meta.client  # thread-safe
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda i: client.put_object(Bucket="res-many", Key=f"d{i % 4}/k{i:05d}", Body=b"x" * (i % 7)),
                      range(OBJECTS)))
    mine, expected = read_collections(ours), read_collections(theirs)
    assert mine == expected
    steps = dict(mine)
    assert [len(p) for p in steps["pages"]] == [1000, 1000, 500]
    assert steps["page_size"] == [400, 400, 200]
    assert steps["limit_pages"] == ["d0/k01996", "d1/k01497", "d1/k02433"]  # the 500th, 1000th, 1234th keys
    assert steps["filter"] == 625
    # Batch actions: one DeleteObjects per page of the collection, each library on its own prefix.
    deleted_ours, deleted_theirs = delete_prefix(ours, "d0/"), delete_prefix(theirs, "d1/")
    assert deleted_ours[1] == deleted_theirs[1] == ("left_in_prefix", [])
    assert [len(p) for p in deleted_ours[0][1]] == [len(p) for p in deleted_theirs[0][1]] == [200, 200, 200, 25]
    assert sum(1 for _ in ours.Bucket("res-many").objects.all()) == OBJECTS // 2
    assert [len(r["Deleted"]) for r in ours.Bucket("res-many").objects.delete()] == [1000, 250]
    assert list(theirs.Bucket("res-many").objects.all()) == []
    ours.Bucket("res-many").delete()


def payload(size: int, seed: int) -> bytes:
    return random.Random(seed).randbytes(size)


def transfers(s3: Any, steps: list, tmp: Any, lib: list) -> None:
    from importlib import import_module

    name = lib.pop(0)  # squall first, then boto3 (``compare`` runs them in this order)
    config = import_module(f"{name}.s3.transfer").TransferConfig(
        multipart_threshold=6 * MB, multipart_chunksize=5 * MB, **({"use_threads": False} if name == "boto3" else {}))
    client = s3.meta.client
    bucket = s3.create_bucket(Bucket="res-xfer")
    big, small = tmp / f"big-{name}", tmp / f"small-{name}"
    big.write_bytes(payload(13 * MB + 5, 1))
    small.write_bytes(payload(1000, 2))
    step(steps, "upload_file_multipart", lambda: client.upload_file(str(big), "res-xfer", "big", Config=config))
    step(steps, "upload_file_small", lambda: bucket.upload_file(str(small), "small", ExtraArgs={"ContentType": "a/b"}))
    step(steps, "head_big", lambda: {k: v for k, v in client.head_object(Bucket="res-xfer", Key="big").items()
                                     if k in ("ContentLength", "ETag")})
    step(steps, "head_small", lambda: s3.Object("res-xfer", "small").content_type)
    step(steps, "upload_fileobj", lambda: bucket.Object("stream").upload_fileobj(
        io.BufferedReader(io.BytesIO(payload(7 * MB, 3))), Config=config))  # type: ignore[arg-type]
    step(steps, "download_file_ranged", lambda: (
        client.download_file("res-xfer", "big", str(tmp / f"down-{name}"), Config=config),
        hashlib.sha256((tmp / f"down-{name}").read_bytes()).hexdigest()))
    out = io.BytesIO()
    step(steps, "download_fileobj", lambda: (s3.Object("res-xfer", "stream").download_fileobj(out, Config=config),
                                             hashlib.sha256(out.getvalue()).hexdigest()))
    step(steps, "copy_multipart", lambda: client.copy({"Bucket": "res-xfer", "Key": "big"}, "res-xfer", "big-copy",
                                                      Config=config))
    step(steps, "copy_small", lambda: bucket.copy({"Bucket": "res-xfer", "Key": "small"}, "small-copy"))
    step(steps, "copies", lambda: [(o.key, o.size) for o in bucket.objects.all()])
    step(steps, "copy_body", lambda: hashlib.sha256(
        s3.Object("res-xfer", "big-copy").get()["Body"].read()).hexdigest())
    step(steps, "missing_download", lambda: bucket.download_file("nope", str(tmp / f"nope-{name}")))


def test_transfers_match_boto3(moto_env: str, tmp_path: Any) -> None:
    order = ["squall", "boto3"]
    steps = compare_resources(moto_env, "s3", lambda s3, steps: transfers(s3, steps, tmp_path, order))
    assert steps["head_big"]["ContentLength"] == 13 * MB + 5
    assert steps["head_big"]["ETag"].endswith('-3"')  # three parts, as s3transfer makes them
    assert steps["download_file_ranged"][1] == hashlib.sha256(payload(13 * MB + 5, 1)).hexdigest()
    assert steps["copy_body"] == steps["download_file_ranged"][1]
    assert steps["missing_download"]["response"]["Error"]["Code"] == "404"
