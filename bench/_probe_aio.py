"""One asyncio measurement in a fresh process: ``python bench/_probe_aio.py <lib> <task> [args]``.

``lib`` is ``squall`` (squall.aio) or ``aiobotocore``; the result is printed as one JSON
object on stdout. bench_aio.py runs the aiobotocore probes with the Python of a separate
virtual environment (aiobotocore pins its own botocore) and the squall ones with this one.
"""
from __future__ import annotations

import asyncio
import gc
import json
import sys
import time
from typing import Any

Result = dict[str, Any]
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/123456789012/bench-queue"
CREDENTIALS = {"region_name": "us-east-1", "aws_access_key_id": "AKIDBENCHMARK",
               "aws_secret_access_key": "bench-secret"}


def _session(lib: str) -> Any:
    if lib == "squall":
        import squall.aio

        return squall.aio.Session()
    import aiobotocore.session

    return aiobotocore.session.get_session()


def _client_context(lib: str, session: Any, service: str, **kwargs: Any) -> Any:
    """An async context manager giving a client (both libraries have one)."""
    if lib == "squall":
        return session.client(service, **CREDENTIALS, **kwargs)
    return session.create_client(service, **CREDENTIALS, **kwargs)


def task_import(lib: str) -> Result:
    start = time.perf_counter()
    if lib == "squall":
        import squall.aio  # noqa: F401
    else:
        import aiobotocore.session  # noqa: F401
    return {"seconds": time.perf_counter() - start}


def task_client(lib: str, service: str, repeats: str = "20") -> Result:
    """The first client in this process (made and entered), then ``repeats`` more."""
    async def run() -> Result:
        session = _session(lib)
        start = time.perf_counter()
        context = _client_context(lib, session, service)
        client = await context.__aenter__()
        first = time.perf_counter() - start
        contexts = []
        start = time.perf_counter()
        for _ in range(int(repeats)):
            more = _client_context(lib, session, service)
            await more.__aenter__()
            contexts.append(more)
        later = (time.perf_counter() - start) / int(repeats)
        for more in contexts:
            await more.__aexit__(None, None, None)
        await context.__aexit__(None, None, None)
        del client
        return {"first": first, "later": later}

    return asyncio.run(run())


def task_call(lib: str, port: str, calls: str = "2000", concurrency: str = "1") -> Result:
    """CPU (process_time) and wall time per sqs.send_message against the loopback stub,
    ``concurrency`` calls in flight at a time (asyncio.gather)."""
    n, width = int(calls), int(concurrency)

    async def run() -> Result:
        session = _session(lib)
        async with _client_context(lib, session, "sqs", endpoint_url=f"http://127.0.0.1:{port}") as client:
            async def one() -> Any:
                return await client.send_message(QueueUrl=QUEUE_URL, MessageBody="hello from the benchmark")

            async def batch() -> None:
                results = await asyncio.gather(*(one() for _ in range(width)))
                assert all(r["MessageId"] for r in results)

            for _ in range(max(1, 200 // width)):  # warm-up: connections, shapes, caches
                await batch()
            gc.collect()
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for _ in range(n // width):
                await batch()
            cpu1, wall1 = time.process_time(), time.perf_counter()
        done = (n // width) * width
        return {"cpu": (cpu1 - cpu0) / done, "wall": (wall1 - wall0) / done}

    return asyncio.run(run())


def task_first_call(lib: str, port: str) -> Result:
    """Wall time from before the import to the first answered call (what a short-lived
    process or a cold Lambda start sees): import, Session, client, one send_message."""
    start = time.perf_counter()

    async def run() -> None:
        session = _session(lib)
        async with _client_context(lib, session, "sqs", endpoint_url=f"http://127.0.0.1:{port}") as client:
            assert (await client.send_message(QueueUrl=QUEUE_URL, MessageBody="first"))["MessageId"]

    if lib == "squall":
        import squall.aio  # noqa: F401
    else:
        import aiobotocore.session  # noqa: F401
    asyncio.run(run())
    return {"seconds": time.perf_counter() - start}


def main() -> None:
    lib, task, *args = sys.argv[1:]
    result = globals()[f"task_{task}"](lib, *args)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
