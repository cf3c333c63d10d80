"""One measurement in a fresh process: ``python bench/_probe.py <lib> <task> [args...]``.

``lib`` is ``squall`` or ``boto3``; the result is printed as one JSON object on stdout.
run.py starts a new process per probe so that nothing (imports, parsed models, pools)
carries over from one measurement to the next.
"""
from __future__ import annotations

import gc
import itertools
import json
import sys
import time
from typing import Any, Callable

Result = dict[str, Any]


def _import(lib: str) -> Any:
    # Both expose Session at the same path: ``squall.session.Session`` / ``boto3.session.Session``.
    if lib == "squall":
        import squall.session

        return squall.session
    import boto3.session

    return boto3.session


def task_import(lib: str) -> Result:
    start = time.perf_counter()
    _import(lib)
    return {"seconds": time.perf_counter() - start}


def task_session(lib: str, repeats: str = "200") -> Result:
    mod = _import(lib)
    start = time.perf_counter()
    mod.Session()
    first = time.perf_counter() - start
    n = int(repeats)
    start = time.perf_counter()
    for _ in range(n):
        mod.Session()
    return {"first": first, "seconds": (time.perf_counter() - start) / n}


def task_client(lib: str, service: str, repeats: str = "20") -> Result:
    """First client in this process, then ``repeats`` more from the same Session."""
    mod = _import(lib)
    session = mod.Session()
    start = time.perf_counter()
    session.client(service)
    first = time.perf_counter() - start
    n = int(repeats)
    keep = []
    start = time.perf_counter()
    for _ in range(n):
        keep.append(session.client(service))
    return {"first": first, "later": (time.perf_counter() - start) / n}


def task_memory(lib: str, service: str, mode: str, count: str = "20") -> Result:
    """Python heap (tracemalloc) held per client: ``one`` Session or a ``new`` one each."""
    import tracemalloc

    mod = _import(lib)
    tracemalloc.start()
    # Warm-up: process-wide caches (imports, lazily loaded data) are not per-client cost.
    warm = mod.Session().client(service)
    gc.collect()
    before = tracemalloc.get_traced_memory()[0]
    n = int(count)
    keep: list[Any] = []
    session = mod.Session()
    for _ in range(n):
        if mode == "new":
            session = mod.Session()
        keep.append((session, session.client(service)))
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del warm
    return {"bytes": (after - before) / n}


# Per-call probes: kind -> (service, how to make one call). The S3 calls use a new key
# each time and read the whole body, as an application would.
_OBJECT_BODY = b"x" * 1024


def _service(kind: str) -> str:
    return {"s3_put": "s3", "s3_get": "s3"}.get(kind, kind)


def _calls(kind: str, client: Any) -> Callable[[], Any]:
    if kind == "sqs":
        url = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"
        return lambda: client.send_message(QueueUrl=url, MessageBody="hello from the benchmark")
    if kind == "dynamodb":
        return lambda: client.get_item(TableName="bench-table", Key={"pk": {"S": "user#42"}})
    if kind == "sts":
        return client.get_caller_identity
    keys = (f"bench/object-{i:08d}" for i in itertools.count())
    if kind == "s3_put":
        def put() -> Any:
            resp = client.put_object(Bucket="bench-bucket", Key=next(keys), Body=_OBJECT_BODY)
            assert resp["ETag"]
            return resp

        return put
    if kind == "s3_get":
        def get() -> Any:
            resp = client.get_object(Bucket="bench-bucket", Key=next(keys))
            assert len(resp["Body"].read()) == 1024
            return resp

        return get
    raise ValueError(kind)


def task_call(lib: str, kind: str, port: str, calls: str = "2000") -> Result:
    """CPU (process_time) and wall time per call against the loopback stub server."""
    mod = _import(lib)
    client = mod.Session().client(_service(kind), endpoint_url=f"http://127.0.0.1:{port}")
    call = _calls(kind, client)
    for _ in range(200):  # warm-up: connection, lazily built shapes, caches
        call()
    n = int(calls)
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    cpu1, wall1 = time.process_time(), time.perf_counter()
    return {"cpu": (cpu1 - cpu0) / n, "wall": (wall1 - wall0) / n}


# What each paginate probe lists, and how to count one page's items.
_PAGINATE = {
    "dynamodb": ("scan", {"TableName": "bench-table"}, "Items"),
    "s3": ("list_objects_v2", {"Bucket": "bench-bucket"}, "Contents"),
}


def task_paginate(lib: str, service: str, port: str, rounds: str = "5") -> Result:
    """CPU to iterate every page (10,000 items, bench/_stub_server.py) through a paginator."""
    mod = _import(lib)
    client = mod.Session().client(service, endpoint_url=f"http://127.0.0.1:{port}")
    operation, params, items = _PAGINATE[service]

    def iterate() -> int:
        paginator = client.get_paginator(operation)
        return sum(len(page.get(items, ())) for page in paginator.paginate(**params))

    assert iterate() == 10_000  # warm-up, and a check that every page came through
    n = int(rounds)
    gc.collect()
    cpu0 = time.process_time()
    for _ in range(n):
        iterate()
    return {"cpu": (time.process_time() - cpu0) / n}


def _full_config(lib: str) -> Any:
    """A Config with most options set, as a careful production client would have."""
    if lib == "squall":
        from squall.config import Config
    else:
        from botocore.config import Config
    return Config(
        region_name="us-west-2", signature_version="v4", connect_timeout=5, read_timeout=30,
        max_pool_connections=20, retries={"mode": "standard", "max_attempts": 5},
        user_agent_extra="bench/1.0", user_agent_appid="bench-app", s3={"addressing_style": "path"},
        parameter_validation=True, tcp_keepalive=True, request_checksum_calculation="when_required",
        response_checksum_validation="when_required", defaults_mode="standard",
    )


def task_config_client(lib: str, service: str, repeats: str = "20") -> Result:
    """Clients made with a full Config: the first in this process, then ``repeats`` more."""
    mod = _import(lib)
    session = mod.Session()
    config = _full_config(lib)
    start = time.perf_counter()
    session.client(service, config=config)
    first = time.perf_counter() - start
    n = int(repeats)
    keep = []
    start = time.perf_counter()
    for _ in range(n):
        keep.append(session.client(service, config=config))
    return {"first": first, "later": (time.perf_counter() - start) / n}


def task_first_call(lib: str, kind: str, port: str) -> Result:
    """Wall time from nothing to one answered call: import + Session + client + call."""
    start = time.perf_counter()
    mod = _import(lib)
    client = mod.Session().client(_service(kind), endpoint_url=f"http://127.0.0.1:{port}")
    _calls(kind, client)()
    return {"seconds": time.perf_counter() - start}


def main(argv: list[str]) -> None:
    lib, task, *args = argv
    result = globals()[f"task_{task}"](lib, *args)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
