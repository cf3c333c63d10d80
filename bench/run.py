"""squall vs boto3, side by side in one run: ``python bench/run.py [--quick]``.

Every probe runs in a fresh subprocess (bench/_probe.py), alternating the two libraries,
and each figure is the median over the repeats. The per-call CPU probes talk to a
loopback stub server (bench/_stub_server.py) running in its own process, so only the
client's CPU is counted. The markdown table goes to stdout and to bench/results.md.
See bench/README.md for the method.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PROBE = os.path.join(HERE, "_probe.py")
STUB = os.path.join(HERE, "_stub_server.py")
LIBS = ("boto3", "squall")
SERVICES = ("sqs", "dynamodb", "ec2")
# Per-call probes (bench/_probe.py ``call <kind>``) and their row labels.
CALLS = (
    ("sqs", "sqs.send_message"),
    ("dynamodb", "dynamodb.get_item"),
    ("s3_put", "s3.put_object, 1 KiB, new key"),
    ("s3_get", "s3.get_object, 1 KiB read, new key"),
    ("sts", "sts.get_caller_identity"),
)
# Paginate probes: every page of 10,000 items from the stub, 1,000 per page.
PAGINATE = (
    ("dynamodb", "dynamodb.scan (10 pages)"),
    ("s3", "s3.list_objects_v2 (10 pages)"),
)


@dataclass(frozen=True)
class Row:
    label: str
    kind: str  # "time" (seconds) or "bytes"
    boto3: float
    squall: float

    @property
    def ratio(self) -> float:
        return self.boto3 / self.squall if self.squall else float("inf")


class Bench:
    def __init__(self, repeats: int, calls: int, workdir: str, rounds: int = 5) -> None:
        self.repeats = repeats
        self.calls = calls
        self.rounds = rounds  # full paginations timed per paginate probe
        self.env = _probe_env(workdir)

    def probe(self, lib: str, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
        out = subprocess.run(
            [sys.executable, PROBE, lib, *args], env=env or self.env,
            capture_output=True, text=True, check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"probe {lib} {' '.join(args)} failed:\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def median(
        self, args: tuple[str, ...], pick: Callable[[dict[str, Any]], dict[str, float]],
        repeats: int | None = None, env: Callable[[str], dict[str, str]] | None = None,
    ) -> dict[str, dict[str, float]]:
        """{lib: {name: median}} over ``repeats`` probes, the libraries interleaved."""
        samples: dict[str, dict[str, list[float]]] = {lib: {} for lib in LIBS}
        for _ in range(repeats or self.repeats):
            for lib in LIBS:
                result = pick(self.probe(lib, *args, env=env(lib) if env else None))
                for name, value in result.items():
                    samples[lib].setdefault(name, []).append(value)
        return {
            lib: {name: statistics.median(values) for name, values in named.items()}
            for lib, named in samples.items()
        }


def _probe_env(workdir: str) -> dict[str, str]:
    """Same environment for both libraries: dummy credentials and region, no user files."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BOTO_"))}
    env.update({
        "AWS_ACCESS_KEY_ID": "AKIDBENCHMARK",
        "AWS_SECRET_ACCESS_KEY": "bench-secret",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.path.join(workdir, "config"),
        "AWS_SHARED_CREDENTIALS_FILE": os.path.join(workdir, "credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        # squall's parsed-model cache lives here, so runs do not touch the user's cache.
        "XDG_CACHE_HOME": os.path.join(workdir, "cache"),
        "PYTHONPATH": os.pathsep.join(filter(None, [os.path.join(ROOT, "src"), os.environ.get("PYTHONPATH")])),
    })
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _start_stub() -> tuple[subprocess.Popen[str], int]:
    proc = subprocess.Popen([sys.executable, STUB], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    port = int(proc.stdout.readline())
    return proc, port


def run(bench: Bench, progress: Callable[[str], None]) -> list[Row]:
    rows: list[Row] = []

    def add(label: str, kind: str, medians: dict[str, dict[str, float]], name: str) -> None:
        rows.append(Row(label, kind, medians["boto3"][name], medians["squall"][name]))
        progress(f"  {label}: boto3 {medians['boto3'][name]:.6g}, squall {medians['squall'][name]:.6g}")

    # Warm-up: byte-compile both libraries and fill squall's model cache.
    for lib in LIBS:
        for service in (*SERVICES, "s3", "sts"):
            bench.probe(lib, "client", service, "1")

    progress("import")
    add("`import` (fresh process)", "time", bench.median(("import",), lambda r: r, bench.repeats * 2), "seconds")
    progress("Session()")
    m = bench.median(("session",), lambda r: r, 3)
    add("`Session()`, first in process", "time", m, "first")
    add("`Session()`, later", "time", m, "seconds")

    progress("clients")
    later: dict[str, dict[str, dict[str, float]]] = {}
    for service in SERVICES:
        m = bench.median(("client", service), lambda r: r)
        add(f"first client, fresh process: {service}", "time", m, "first")
        later[service] = m
    cold_root = tempfile.mkdtemp(prefix="squall-bench-cold-")
    try:
        counter = iter(range(10**6))

        def cold_env(lib: str) -> dict[str, str]:
            # A cache directory nobody has written to: the very first run on a machine.
            return {**bench.env, "XDG_CACHE_HOME": os.path.join(cold_root, str(next(counter)))}

        m = bench.median(("client", "ec2"), lambda r: r, env=cold_env)
        add("first client, fresh process, empty model cache: ec2", "time", m, "first")
    finally:
        shutil.rmtree(cold_root, ignore_errors=True)
    for service in SERVICES:
        add(f"later client, same Session: {service}", "time", later[service], "later")

    progress("memory")
    for mode, label in (("one", "one Session"), ("new", "a new Session each")):
        m = bench.median(("memory", "dynamodb", mode), lambda r: r, 1)
        add(f"memory per dynamodb client, {label}", "bytes", m, "bytes")

    progress("client with a full Config")
    m = bench.median(("config_client", "s3"), lambda r: r)
    add("client with a full Config, first in process: s3", "time", m, "first")
    add("client with a full Config, later from the same Session: s3", "time", m, "later")

    progress("CPU per call")
    stub, port = _start_stub()
    try:
        for kind, label in CALLS:
            m = bench.median(("call", kind, str(port), str(bench.calls)), lambda r: r)
            add(f"CPU per call: {label}", "time", m, "cpu")
        for service, label in PAGINATE:
            m = bench.median(("paginate", service, str(port), str(bench.rounds)), lambda r: r)
            add(f"CPU to paginate 10,000 items: {label}", "time", m, "cpu")
        for service in ("sqs", "dynamodb"):
            m = bench.median(("first_call", service, str(port)), lambda r: r)
            add(f"fresh process to first answered call (import + Session + client + call): {service}",
                "time", m, "seconds")
    finally:
        stub.terminate()
        stub.wait()
    return rows


def _fmt(value: float, kind: str, unit: str) -> str:
    if kind == "bytes":
        return f"{value / 1024:,.1f} KiB"
    scale = {"ms": 1e3, "µs": 1e6}[unit]
    return f"{value * scale:,.2f} {unit}" if value * scale < 10 else f"{value * scale:,.1f} {unit}"


def table(rows: list[Row], other: str = "boto3") -> str:
    """Markdown; ``other`` names the library squall is measured against (Row.boto3)."""
    lines = [f"| measure | {other} | squall | {other} / squall |", "|---|---:|---:|---:|"]
    for row in rows:
        unit = "ms" if max(row.boto3, row.squall) >= 1e-3 else "µs"
        lines.append(
            f"| {row.label} | {_fmt(row.boto3, row.kind, unit)} | {_fmt(row.squall, row.kind, unit)} "
            f"| {row.ratio:,.1f}× |"
        )
    return "\n".join(lines)


def _versions() -> str:
    def version(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    return (
        f"Python {platform.python_version()} on {platform.system()} {platform.machine()}, "
        f"{os.cpu_count()} CPUs; boto3 {version('boto3')}, botocore {version('botocore')}, "
        f"urllib3 {version('urllib3')}; {time.strftime('%Y-%m-%d')}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and calls (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None, help="fresh-process probes per figure (default 5)")
    parser.add_argument("--calls", type=int, default=None, help="timed calls per CPU probe (default 3000)")
    parser.add_argument("--output", default=os.path.join(HERE, "results.md"), help="where to write the markdown")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    calls = args.calls or (300 if args.quick else 3000)

    workdir = tempfile.mkdtemp(prefix="squall-bench-")
    start = time.perf_counter()
    try:
        rows = run(Bench(repeats, calls, workdir, rounds=2 if args.quick else 5), lambda msg: print(msg, file=sys.stderr, flush=True))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.perf_counter() - start

    body = table(rows)
    header = f"{_versions()}; {repeats} fresh-process repeats per figure, medians ({elapsed:.0f} s)."
    print(header + "\n\n" + body)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write("# Benchmark results\n\nProduced by `python bench/run.py` (method: bench/README.md).\n\n")
            fh.write(header + "\n\n" + body + "\n")


if __name__ == "__main__":
    main()
