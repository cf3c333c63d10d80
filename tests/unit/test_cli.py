"""``python -m squall config`` prints values with their sources and never a secret."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    full.update(env, PYTHONPATH=str(SRC))
    return subprocess.run([sys.executable, "-m", "squall", *args], capture_output=True, text=True,
                          env=full, timeout=60)


def test_config_shows_sources_and_redacts(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile dev]\nregion = eu-north-1\nmax_attempts = 7\n")
    creds = tmp_path / "credentials"
    creds.write_text("[dev]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMIK7MDENG\n")
    out = run(["config", "--profile", "dev", "--service", "sqs"],
              {"AWS_CONFIG_FILE": str(config), "AWS_SHARED_CREDENTIALS_FILE": str(creds)})
    assert out.returncode == 0, out.stderr
    lines = {line.split()[0]: line for line in out.stdout.splitlines() if line.strip()}
    assert "'eu-north-1'" in lines["region"] and f"{config} [profile dev] line 2" in lines["region"]
    assert "7" in lines["max_attempts"] and "line 3" in lines["max_attempts"]
    assert "shared-credentials-file" in lines["credentials"] and f"{creds} [dev] line 2" in lines["credentials"]
    assert "https://sqs.eu-north-1.amazonaws.com" in out.stdout
    attempts = next(line for line in out.stdout.splitlines() if line.startswith("sqs: retries.total_max_attempts"))
    assert " 7 " in attempts and f"{config} [profile dev] line 3" in attempts  # the client view
    assert "wJalrXUtnFEMIK7MDENG" not in out.stdout and "AKIAIOSFODNN7EXAMPLE" not in out.stdout


def test_config_env_region_and_missing_profile(tmp_path: Path) -> None:
    out = run(["config"], {"AWS_REGION": "ap-east-1", "AWS_CONFIG_FILE": str(tmp_path / "none")})
    assert out.returncode == 0, out.stderr
    region = next(line for line in out.stdout.splitlines() if line.startswith("region "))
    assert "ap-east-1" in region and "AWS_REGION" in region
    assert "none found" in out.stdout and "AWS_ACCESS_KEY_ID not set" in out.stdout
    bad = run(["config", "--profile", "ghost"], {"AWS_CONFIG_FILE": str(tmp_path / "none")})
    assert bad.returncode == 1 and "ghost" in bad.stderr
