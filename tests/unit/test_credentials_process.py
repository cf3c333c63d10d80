"""credential_process with real scripts: quoting, Version 1 JSON, Expiration, failures."""
from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import botocore.compat
import botocore.session
import pytest

import squall
from squall.credentials import CredentialProcessError, ProcessProvider, ProfileView, RefreshableCredentials
from squall.credentials.process import split_command
from squall.config.profiles import SharedConfig
from squall.config._ini import parse_ini
from squall.runtime._credential_io import SyncCredentialIO


def helper(tmp_path: Path, body: str, name: str = "helper.py") -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body))
    return f'"{sys.executable}" "{path}"'


def use(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    (tmp_path / "config").write_text(f"[default]\ncredential_process = {command}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))


def test_static_credentials_from_a_script(tmp_path, monkeypatch) -> None:
    use(tmp_path, monkeypatch, helper(tmp_path, """\
        import json
        print(json.dumps({"Version": 1, "AccessKeyId": "AKPROC", "SecretAccessKey": "sk", "SessionToken": "tk"}))
        """))
    creds = squall.session.Session().get_credentials()
    assert creds.method == "custom-process"
    assert tuple(creds.get_frozen_credentials()) == ("AKPROC", "sk", "tk", None)
    assert creds.source == f"credential_process ({tmp_path / 'config'} [default] line 2)"


def test_arguments_are_split_without_a_shell(tmp_path, monkeypatch) -> None:
    # a directory with a space, quoted arguments, and shell syntax that must stay literal
    folder = tmp_path / "my dir"
    folder.mkdir()
    script = helper(folder, """\
        import json, sys
        print(json.dumps({"Version": 1, "AccessKeyId": "|".join(sys.argv[1:]), "SecretAccessKey": "s"}))
        """)
    use(tmp_path, monkeypatch, script + " 'a b' \"c d\" $HOME ; echo")
    ours = squall.session.Session().get_credentials()
    theirs = botocore.session.Session().get_credentials()
    assert ours.access_key == theirs.access_key == "a b|c d|$HOME|;|echo"


@pytest.mark.parametrize("command", [
    'a b c', '"a b" c', 'a\\ b', "'a b' \"c d\"", 'a "b\\"c" d', '', '   ',
])
def test_split_matches_botocore_posix(command: str) -> None:
    assert split_command(command, "linux") == botocore.compat.compat_shell_split(command, "linux")


@pytest.mark.parametrize("command", [
    r'C:\Program Files\x.exe arg', r'"C:\Program Files\x.exe" arg', r'a\\"b c" d', r'a\"b c', r'a\\\"b c',
    r'"a b"c" d"', r'a"b c"d', '"" a', 'a\tb  c', r'trail\\', '',
])
def test_split_matches_botocore_windows(command: str) -> None:
    assert split_command(command, "win32") == botocore.compat.compat_shell_split(command, "win32")


def test_expiration_makes_them_refresh_by_running_again(tmp_path, monkeypatch) -> None:
    counter = tmp_path / "count"
    counter.write_text("0")
    use(tmp_path, monkeypatch, helper(tmp_path, f"""\
        import json, datetime
        path = {str(counter)!r}
        n = int(open(path).read()) + 1
        open(path, "w").write(str(n))
        # the first set is about to expire (mandatory window), the next one is good
        minutes = 5 if n == 1 else 60
        exp = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=minutes)
        print(json.dumps({{"Version": 1, "AccessKeyId": f"AK{{n}}", "SecretAccessKey": "s",
                           "SessionToken": "t", "Expiration": exp.strftime("%Y-%m-%dT%H:%M:%SZ")}}))
        """))
    creds = squall.session.Session().get_credentials()
    assert isinstance(creds, RefreshableCredentials)
    assert creds.current.access_key == "AK1"
    assert creds.get_frozen_credentials().access_key == "AK2"  # refreshed on use
    assert counter.read_text() == "2"
    assert creds.get_frozen_credentials().access_key == "AK2"


@pytest.mark.parametrize("body, message", [
    ('import sys; sys.stderr.write("no session, run login"); sys.exit(3)', "no session, run login"),
    ("import sys; sys.exit(2)", "exited with status 2"),
    ('print("not json")', "did not print valid JSON"),
    ('print("[1, 2]")', "JSON that is not an object"),
    ('import json; print(json.dumps({"Version": 2, "AccessKeyId": "a", "SecretAccessKey": "b"}))',
     "Unsupported version '2' for credential process provider, supported versions: 1"),
    ('import json; print(json.dumps({"AccessKeyId": "a", "SecretAccessKey": "b"}))',
     "Unsupported version '<Version key not provided>'"),
    ('import json; print(json.dumps({"Version": 1, "AccessKeyId": "a"}))',
     "Missing required key in response: 'SecretAccessKey'"),
])
def test_failures_are_clear_errors(body: str, message: str, tmp_path, monkeypatch) -> None:
    use(tmp_path, monkeypatch, helper(tmp_path, body))
    with pytest.raises(CredentialProcessError) as info:
        squall.session.Session().get_credentials()
    assert message in str(info.value)
    assert str(info.value).startswith("Error when retrieving credentials from custom-process: ")
    assert "- custom-process: failed (this error)" in str(info.value)


def test_missing_program(tmp_path, monkeypatch) -> None:
    use(tmp_path, monkeypatch, str(tmp_path / "does-not-exist") + " --flag")
    with pytest.raises(CredentialProcessError, match="cannot run .*does-not-exist"):
        squall.session.Session().get_credentials()


def test_timeout(tmp_path) -> None:
    command = helper(tmp_path, "import time; time.sleep(30)")
    profile = SharedConfig.from_files(parse_ini(f"[default]\ncredential_process = {command}\n", "cfg"), None)
    provider = ProcessProvider(ProfileView("default", profile.profiles["default"]), timeout=0.5)
    with pytest.raises(CredentialProcessError, match="did not finish within 0.5 seconds"):
        SyncCredentialIO().run(provider.load())


def test_account_id_from_output_or_profile(tmp_path, monkeypatch) -> None:
    command = helper(tmp_path, 'import json; print(json.dumps({"Version": 1, "AccessKeyId": "a", "SecretAccessKey": "b"}))')
    (tmp_path / "config").write_text(f"[default]\ncredential_process = {command}\naws_account_id = 999988887777\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    assert squall.session.Session().get_credentials().account_id == "999988887777"
    assert botocore.session.Session().get_credentials().account_id == "999988887777"
