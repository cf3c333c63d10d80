"""squall.aio vs aiobotocore, side by side in one run: ``python bench/bench_aio.py [--quick]``.

aiobotocore pins a narrow botocore range of its own, so its probes run with the Python
of a separate virtual environment, made on first use under ``bench/.venv-aiobotocore``
(``pip install aiobotocore``; delete the directory to upgrade); squall's run with this
Python (aiohttp must be installed: ``pip install squall[aio]``). Every probe is a fresh
process (bench/_probe_aio.py), the two libraries alternate, and each figure is the median
of the repeats. The per-call probes talk to bench/_stub_server.py on 127.0.0.1, in its
own process, so only the client's CPU is counted.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run as base  # noqa: E402 - bench/run.py: environment, stub server, table

PROBE = os.path.join(HERE, "_probe_aio.py")
VENV = os.path.join(HERE, ".venv-aiobotocore")
LIBS = ("aiobotocore", "squall")


def _aiobotocore_python() -> str:
    python = os.path.join(VENV, "bin", "python")
    if not os.path.exists(python):
        print("making bench/.venv-aiobotocore (pip install aiobotocore) ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "aiobotocore"], check=True)
    return python


def _probe(python: str, env: dict[str, str], lib: str, *args: str) -> dict[str, Any]:
    out = subprocess.run([python, PROBE, lib, *args], env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"probe {lib} {' '.join(args)} failed:\\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _version(python: str, dist: str) -> str:
    out = subprocess.run([python, "-c", f"from importlib.metadata import version; print(version('{dist}'))"],
                         capture_output=True, text=True, check=False)
    return out.stdout.strip() or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and calls (a smoke run)")
    parser.add_argument("--repeats", type=int, default=None, help="fresh-process probes per figure (default 5)")
    parser.add_argument("--output", default=os.path.join(HERE, "results_aio.md"), help="where to write the markdown")
    args = parser.parse_args()
    repeats = args.repeats or (2 if args.quick else 5)
    calls = "400" if args.quick else "2000"
    pythons = {"aiobotocore": _aiobotocore_python(), "squall": sys.executable}
    workdir = tempfile.mkdtemp(prefix="squall-bench-aio-")
    env = base._probe_env(workdir)
    stub, port = base._start_stub()
    rows: list[base.Row] = []
    start = time.perf_counter()

    def median(task: tuple[str, ...], name: str) -> dict[str, float]:
        samples: dict[str, list[float]] = {lib: [] for lib in LIBS}
        for _ in range(repeats):
            for lib in LIBS:
                samples[lib].append(_probe(pythons[lib], env, lib, *task)[name])
        return {lib: statistics.median(values) for lib, values in samples.items()}

    def add(label: str, task: tuple[str, ...], name: str) -> None:
        m = median(task, name)
        rows.append(base.Row(label, "time", m["aiobotocore"], m["squall"]))
        print(f"  {label}: aiobotocore {m['aiobotocore']:.6g}, squall {m['squall']:.6g}", file=sys.stderr, flush=True)

    try:
        for lib in LIBS:  # warm-up: byte-compile, fill squall's model cache
            _probe(pythons[lib], env, lib, "client", "sqs", "1")
        add("`import` (fresh process)", ("import",), "seconds")
        add("first client, fresh process: sqs", ("client", "sqs"), "first")
        add("later client, same Session: sqs", ("client", "sqs"), "later")
        add("first client, fresh process: dynamodb", ("client", "dynamodb"), "first")
        add("CPU per call: sqs.send_message, one at a time", ("call", str(port), calls, "1"), "cpu")
        add("CPU per call: sqs.send_message, 100 in flight", ("call", str(port), calls, "100"), "cpu")
        add("wall time per call: sqs.send_message, 100 in flight", ("call", str(port), calls, "100"), "wall")
        add("fresh process to first answered call (import + Session + client + call): sqs",
            ("first_call", str(port)), "seconds")
    finally:
        stub.terminate()
        stub.wait()
        shutil.rmtree(workdir, ignore_errors=True)
    versions = (f"aiobotocore {_version(pythons['aiobotocore'], 'aiobotocore')} with botocore "
                f"{_version(pythons['aiobotocore'], 'botocore')} and aiohttp "
                f"{_version(pythons['aiobotocore'], 'aiohttp')}; squall with aiohttp "
                f"{_version(sys.executable, 'aiohttp')}")
    header = (f"{versions}; {repeats} fresh-process repeats per figure, medians "
              f"({time.perf_counter() - start:.0f} s).")
    body = base.table(rows, other="aiobotocore")
    print(header + "\n\n" + body)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write("# asyncio benchmark results\n\nProduced by `python bench/bench_aio.py`.\n\n")
            fh.write(header + "\n\n" + body + "\n")


if __name__ == "__main__":
    main()
