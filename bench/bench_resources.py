"""Resources, squall vs boto3 side by side: ``python bench/bench_resources.py [--quick]``.

Rows (each the median over the repeats, each repeat a fresh process per library,
libraries alternating; CPU is ``time.process_time()`` of the client process only):

- ``resource(<svc>)``, first: the first ``session.resource(svc)`` after import and
  ``Session()`` (model files, client, resource classes). boto3 loads most of its machinery
  in ``import boto3``, squall when the first client or resource is made, so this row
  alone favours boto3;
- ``resource(<svc>)``, fresh process: ``import`` + ``Session()`` + the first resource, what
  a short-lived process pays;
- ``resource(<svc>)``, later: the mean of 50 more from the same Session;
- ``resource(<svc>)``, new Session: the mean of 20 ``Session().resource(svc)``;
- ``iterate 10,000 S3 objects``: ``sum(1 for o in bucket.objects.all())`` plus reading
  ``o.key``/``o.size`` of each, against a loopback stub (ten ListObjects pages of
  1,000 keys, served by a separate process started here, so its CPU is not counted).

The stub is bench/_stub_server.py (the one bench/run.py uses: HTTP/1.1 keep-alive,
TCP_NODELAY, one ``sendall`` per answer); both clients get ``endpoint_url`` pointing at it.
Ratios are boto3 / squall (above 1: squall costs less). squall is taken from ``src/``.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SERVICES = ("s3", "dynamodb", "sqs", "ec2")
STUB = os.path.join(HERE, "_stub_server.py")  # serves ListObjects pages of 1,000 keys
OBJECTS = 10_000  # the stub's TOTAL_ITEMS


# -- probes (``--probe <lib> <task> ...``): one measurement in a fresh process --------------

def _session_module(lib: str) -> Any:
    if lib == "squall":
        sys.path.insert(0, os.path.join(ROOT, "src"))
        import squall.session

        return squall.session
    import boto3.session

    return boto3.session


def probe_resource(lib: str, service: str) -> dict[str, float]:
    before_import = time.process_time()
    mod = _session_module(lib)
    session = mod.Session()
    start = time.process_time()
    keep = [session.resource(service)]
    first = time.process_time() - start
    fresh = time.process_time() - before_import  # import + Session() + first resource
    n = 50
    start = time.process_time()
    for _ in range(n):
        keep.append(session.resource(service))
    later = (time.process_time() - start) / n
    n_new = 20
    start = time.process_time()
    for _ in range(n_new):
        keep.append(mod.Session().resource(service))
    new_session = (time.process_time() - start) / n_new
    return {"first": first, "fresh": fresh, "later": later, "new_session": new_session}


def probe_iterate(lib: str, port: str) -> dict[str, float]:
    mod = _session_module(lib)
    s3 = mod.Session().resource("s3", endpoint_url=f"http://127.0.0.1:{port}")
    bucket = s3.Bucket("bench")
    # Warm-up: the first page pays for imports, model loading and the connection.
    for obj in bucket.objects.limit(10):
        obj.key
    start = time.process_time()
    count = total = 0
    for obj in bucket.objects.all():
        count += 1
        total += obj.size
        obj.key
    seconds = time.process_time() - start
    assert count == OBJECTS, count
    return {"seconds": seconds, "count": count}


# -- the driver -----------------------------------------------------------------------------

def _env(workdir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.path.join(workdir, "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(workdir, "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true", "XDG_CACHE_HOME": os.path.join(workdir, "cache"),
    })
    # The warm-up probe byte-compiles squall (boto3's site-packages are compiled at install).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _probe(env: dict[str, str], *args: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--probe", *args],
                         env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"probe {' '.join(args)} failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _median(env: dict[str, str], repeats: int, *args: str) -> dict[str, dict[str, float]]:
    runs: dict[str, list[dict[str, float]]] = {"boto3": [], "squall": []}
    for _ in range(repeats):
        for lib in ("boto3", "squall"):  # alternate, so drift hits both alike
            runs[lib].append(_probe(env, lib, *args))
    return {lib: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for lib, rs in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    parser.add_argument("--repeats", type=int, default=None)
    options = parser.parse_args()
    repeats = options.repeats or (2 if options.quick else 5)
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="squall-bench-res-") as workdir:
        env = _env(workdir)
        services = SERVICES[:2] if options.quick else SERVICES
        for service in services:  # warm-up: byte-compile, fill squall's model cache
            for lib in ("boto3", "squall"):
                _probe(env, lib, "resource", service)
        for service in services:
            result = _median(env, repeats, "resource", service)
            rows.append((f"resource('{service}'), first in process", result["boto3"]["first"],
                         result["squall"]["first"]))
            rows.append((f"resource('{service}'), fresh process (import + Session + resource)",
                         result["boto3"]["fresh"], result["squall"]["fresh"]))
            rows.append((f"resource('{service}'), later, same Session", result["boto3"]["later"],
                         result["squall"]["later"]))
            rows.append((f"resource('{service}'), new Session each", result["boto3"]["new_session"],
                         result["squall"]["new_session"]))
        server = subprocess.Popen([sys.executable, STUB], stdout=subprocess.PIPE, text=True, env=env)
        try:
            assert server.stdout is not None
            port = server.stdout.readline().strip()
            result = _median(env, repeats, "iterate", port)
            rows.append((f"iterate {OBJECTS:,} S3 objects (collection, CPU)", result["boto3"]["seconds"],
                         result["squall"]["seconds"]))
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"repeats: {repeats}; CPU time (process_time) of the client process; ratio = boto3 / squall\n")
    print("| what | boto3 | squall | boto3 / squall |")
    print("|---|---:|---:|---:|")
    for label, theirs, ours in rows:
        print(f"| {label} | {theirs * 1e3:.2f} ms | {ours * 1e3:.2f} ms | {theirs / ours:.1f}x |")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--probe":
        lib, task, *rest = sys.argv[2:]
        result = probe_resource(lib, *rest) if task == "resource" else probe_iterate(lib, *rest)
        print(json.dumps(result))
    else:
        main()
