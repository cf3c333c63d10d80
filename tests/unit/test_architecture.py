"""Rules of the design that a test can hold: no botocore imported, a sans-IO core."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "squall"
# Packages that must stay pure: no sockets, no HTTP clients, no sleeping, no event loop.
PURE_PACKAGES = ("models", "endpoints", "protocols", "auth", "retries", "credentials", "customizations")
PURE_MODULES = ("runtime/_flow.py", "runtime/_context.py", "runtime/_effects.py",
                "runtime/_endpoint_params.py", "runtime/validate.py")
FORBIDDEN_IN_CORE = {"socket", "urllib3", "asyncio", "aiohttp", "http.client", "requests", "ssl", "select"}


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _calls_sleep(path: Path) -> bool:
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr == "sleep":
            return True
    return False


def test_core_modules_do_no_io() -> None:
    files = [p for pkg in PURE_PACKAGES for p in (SRC / pkg).rglob("*.py")]
    files += [SRC / m for m in PURE_MODULES]
    assert len(files) > 20
    offenders = {}
    for path in files:
        bad = {name for name in _imports(path) if name.split(".")[0] in FORBIDDEN_IN_CORE or name in FORBIDDEN_IN_CORE}
        if bad or _calls_sleep(path):
            offenders[str(path.relative_to(SRC))] = sorted(bad) or ["sleep"]
    assert offenders == {}


def test_no_module_imports_botocore_or_boto3() -> None:
    offenders = []
    for path in SRC.rglob("*.py"):
        for name in _imports(path):
            if name.split(".")[0] in ("botocore", "boto3", "s3transfer", "aiobotocore"):
                offenders.append((str(path), name))
    assert offenders == []


def test_using_squall_never_loads_botocore(tmp_path: Path) -> None:
    """A fresh interpreter: import, make a Session and clients, serialize a call."""
    script = f"""
import sys
sys.path.insert(0, {str(SRC.parent)!r})
import squall
s = squall.session.Session(aws_access_key_id="k", aws_secret_access_key="s", region_name="us-east-1")
for name in ("sqs", "dynamodb", "kinesis", "logs"):
    s.client(name)
s.get_available_regions("sqs"); s.get_available_services()
c = s.client("dynamodb", endpoint_url="http://127.0.0.1:9")
try:
    c.list_tables()
except Exception:
    pass
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("botocore", "boto3", "s3transfer", "aiobotocore"))
print(bad)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "AWS_EC2_METADATA_DISABLED": "true"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_importing_squall_reads_no_environment(monkeypatch) -> None:
    """Nothing is read from the environment at import time (only when a Session is made)."""
    import importlib
    import os

    reads: list[str] = []
    real_get = os.environ.get

    class Spy(dict):
        def get(self, key, default=None):
            reads.append(key)
            return real_get(key, default)

        def __getitem__(self, key):
            reads.append(key)
            return os.environ.__class__.__getitem__(os.environ, key)

    mods = [m for m in sys.modules if m == "squall" or m.startswith("squall.")]
    saved = {m: sys.modules.pop(m) for m in mods}
    try:
        importlib.import_module("squall")
    finally:
        for m in [m for m in sys.modules if m == "squall" or m.startswith("squall.")]:
            del sys.modules[m]
        sys.modules.update(saved)
    assert not [r for r in reads if r.startswith("AWS_")]
