"""One measurement in a fresh process: ``python bench/_probe.py <lib> <task> [args...]``.

``lib`` is ``squall`` or ``boto3``; the result is printed as one JSON object on stdout.
run.py starts a new process per probe so that nothing (imports, parsed models, pools)
carries over from one measurement to the next.
"""
from __future__ import annotations

import gc
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


def _calls(service: str, client: Any) -> Callable[[], Any]:
    if service == "sqs":
        url = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"
        return lambda: client.send_message(QueueUrl=url, MessageBody="hello from the benchmark")
    if service == "dynamodb":
        return lambda: client.get_item(TableName="bench-table", Key={"pk": {"S": "user#42"}})
    raise ValueError(service)


def task_call(lib: str, service: str, port: str, calls: str = "2000") -> Result:
    """CPU (process_time) and wall time per call against the loopback stub server."""
    mod = _import(lib)
    client = mod.Session().client(service, endpoint_url=f"http://127.0.0.1:{port}")
    call = _calls(service, client)
    for _ in range(200):  # warm-up: connection, lazily built shapes, caches
        call()
    n = int(calls)
    gc.collect()
    cpu0, wall0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    cpu1, wall1 = time.process_time(), time.perf_counter()
    return {"cpu": (cpu1 - cpu0) / n, "wall": (wall1 - wall0) / n}


def task_first_call(lib: str, service: str, port: str) -> Result:
    """Wall time from nothing to one answered call: import + Session + client + call."""
    start = time.perf_counter()
    mod = _import(lib)
    client = mod.Session().client(service, endpoint_url=f"http://127.0.0.1:{port}")
    _calls(service, client)()
    return {"seconds": time.perf_counter() - start}


def main(argv: list[str]) -> None:
    lib, task, *args = argv
    result = globals()[f"task_{task}"](lib, *args)
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
