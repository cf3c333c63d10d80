"""squall._ids: random UUIDs in uuid4's text form, without importing uuid on a call's path."""
from __future__ import annotations

import subprocess
import sys
import uuid

from squall._ids import uuid4_text


def test_every_id_is_a_version_4_rfc_4122_uuid_in_canonical_form() -> None:
    seen = set()
    for _ in range(5000):
        text = uuid4_text()
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text
        seen.add(text)
    assert len(seen) == 5000  # random, not repeated


def test_random_bits_cover_every_free_position() -> None:
    # Over many ids, each of the 122 random bits is sometimes 0 and sometimes 1.
    ones, zeros = 0, (1 << 128) - 1
    for _ in range(2000):
        value = uuid.UUID(uuid4_text()).int
        ones |= value
        zeros &= value
    fixed = (0xF000 << 64) | (0xC000 << 48)
    assert (ones | fixed) == (1 << 128) - 1
    assert zeros & ~fixed == 0


def test_the_module_does_not_import_uuid() -> None:
    code = "import sys, squall._ids as m; m.uuid4_text(); print('uuid' in sys.modules, 'platform' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": "src"}, cwd=__file__.rsplit("/tests/", 1)[0])
    assert out.stdout.split() == ["False", "False"]
