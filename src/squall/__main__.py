"""``python -m squall config``: every setting squall resolved, its value and its source.

Secrets are redacted. ``--profile`` picks a profile; ``--service`` also shows what a client
for that service would use (region, endpoint, retries, timeouts, checksums, ...) and why.
"""
from __future__ import annotations

import argparse
import sys
from typing import Sequence


def _config(args: argparse.Namespace) -> int:
    from .exceptions import SquallError
    from .session import Session

    try:
        session = Session(profile_name=args.profile, region_name=args.region)
    except SquallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    report = session.explain()
    rows = [(name, repr(value), source) for name, (value, source) in report.items()]
    if args.service:
        try:
            client = session.client(args.service)
        except SquallError as exc:
            rows.append((f"client ({args.service})", "-", f"error: {exc}"))
        else:
            with client:
                rows.extend((f"{args.service}: {name}", repr(value), source)
                            for name, (value, source) in client.meta.explain().items()
                            if name != "credentials" or (value, source) != report["credentials"])
    width = max(len(r[0]) for r in rows)
    vwidth = min(max(len(r[1]) for r in rows), 48)
    for name, value, source in rows:
        print(f"{name:<{width}}  {value:<{vwidth}}  {source}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m squall", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    config = sub.add_parser("config", help="show resolved settings and credentials with their sources")
    config.add_argument("--profile", default=None, help="profile name (default: AWS_PROFILE or [default])")
    config.add_argument("--region", default=None, help="region to pass to the Session")
    config.add_argument("--service", default=None, help="also show the effective settings of a client for this service")
    args = parser.parse_args(argv)
    return _config(args)


if __name__ == "__main__":
    raise SystemExit(main())
