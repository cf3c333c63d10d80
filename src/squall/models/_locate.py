"""Find the data directories that botocore and boto3 ship, without importing them."""
from __future__ import annotations

import importlib.util
import os
from functools import lru_cache

__all__ = ["package_data_dir", "builtin_data_dirs", "search_paths"]


@lru_cache(maxsize=None)
def package_data_dir(package: str) -> str | None:
    """The ``data`` folder inside an installed package, found via its import spec only.

    ``find_spec`` on a top-level name locates the package without executing it, so
    ``botocore`` never lands in ``sys.modules``.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = os.path.join(location, "data")
        if os.path.isdir(candidate):
            return candidate
    return None


def builtin_data_dirs() -> tuple[str, ...]:
    """botocore's model data, then boto3's resource data (the order boto3 uses)."""
    dirs = []
    for package in ("botocore", "boto3"):
        found = package_data_dir(package)
        if found:
            dirs.append(found)
    if not dirs:
        raise RuntimeError(
            "squall reads AWS service models from the data files of the 'botocore' "
            "distribution, which is not installed; run: pip install botocore"
        )
    return tuple(dirs)


def search_paths(aws_data_path: str | None) -> tuple[str, ...]:
    """Search order as botocore/boto3: AWS_DATA_PATH entries, ~/.aws/models, built-ins."""
    paths: list[str] = []
    if aws_data_path:
        for entry in aws_data_path.split(os.pathsep):
            if entry:
                paths.append(os.path.expanduser(os.path.expandvars(entry)))
    paths.append(os.path.join(os.path.expanduser("~"), ".aws", "models"))
    paths.extend(builtin_data_dirs())
    return tuple(paths)
