"""Generated ``.pyi`` stubs for resource classes: valid for every service, they name what
the classes have, and mypy accepts them (and the code that uses them)."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from squall.resources.stubs import write_stubs

SRC = Path(__file__).resolve().parents[2] / "src"


def test_stubs_for_every_service_parse(tmp_path: Path) -> None:
    written = write_stubs(str(tmp_path))
    assert sorted(Path(p).stem for p in written) == [
        "cloudformation", "cloudwatch", "dynamodb", "ec2", "glacier", "iam", "s3", "sns", "sqs"]
    for path in written:
        ast.parse(Path(path).read_text(), path)
    s3 = (tmp_path / "s3.pyi").read_text()
    for expected in (
        "class Bucket(ServiceResourceBase):", "def name(self) -> str: ...",
        "def creation_date(self) -> datetime.datetime: ...", "def Object(self, key: str) -> Object: ...",
        "def objects(self) -> BucketObjectsCollectionManager: ...", "def wait_until_exists(self, **kwargs: Any)",
        "def upload_file(self, Filename: Any, Key: Any, ExtraArgs: Any = ...", "def __iter__(self) -> Iterator[ObjectSummary]",
        "def delete(self, **kwargs: Any) -> list[dict[str, Any]]: ...", "def Bucket(self, name: str) -> Bucket: ...",
        "def put(self, *, ACL: str = ...", "def get(self, *,",
    ):
        assert expected in s3, expected
    assert "def batch_writer(self, overwrite_by_pkeys: Any = ...) -> Any: ..." in (tmp_path / "dynamodb.pyi").read_text()
    ec2 = (tmp_path / "ec2.pyi").read_text()
    assert "def delete_tags(self, **kwargs: Any) -> Any: ..." in ec2
    assert "def vpc(self) -> Vpc | None: ..." in ec2
    assert "def create_instances(self, *, MaxCount: int, MinCount: int" in ec2
    assert "-> list[Instance]" in ec2


def test_mypy_accepts_stubs_and_their_use(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    write_stubs(str(tmp_path / "stubs"), ["s3", "dynamodb"])
    use = tmp_path / "use.py"
    use.write_text(
        "import datetime\n"
        "from s3 import ServiceResource as S3\n"
        "from dynamodb import Table\n"
        "def f(s3: S3, table: Table) -> None:\n"
        "    bucket = s3.Bucket('b')\n"
        "    when: datetime.datetime = bucket.creation_date\n"
        "    keys: list[str] = [o.key for o in bucket.objects.filter(Prefix='x').limit(3)]\n"
        "    size: int = bucket.Object('k').content_length\n"
        "    table.put_item(Item={'pk': 'a'})\n"
        "    count: int = table.item_count\n"
    )
    bad = tmp_path / "bad.py"
    bad.write_text("from s3 import Bucket\ndef f(b: Bucket) -> None:\n    n: int = b.name\n    b.no_such_method()\n")
    env = {"MYPYPATH": f"{tmp_path / 'stubs'}:{SRC}", "PATH": "/usr/bin:/bin"}
    common = [sys.executable, "-m", "mypy", "--strict", "--follow-imports=silent", "--no-incremental",
              "--cache-dir=/dev/null"]
    ok = subprocess.run([*common, str(use)], capture_output=True, text=True, env=env, timeout=300)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    wrong = subprocess.run([*common, str(bad)], capture_output=True, text=True, env=env, timeout=300)
    assert 'Incompatible types in assignment (expression has type "str", variable has type "int")' in wrong.stdout
    assert '"Bucket" has no attribute "no_such_method"' in wrong.stdout
