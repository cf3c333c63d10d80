"""CloudWatch Logs: CreateExportTask's ``from`` is a Python keyword, so it is also
accepted as ``fromTime`` (botocore's parameter alias)."""
from __future__ import annotations

from . import Customizations
from ._util import by_operation, parameter_alias

CUSTOMIZATIONS = Customizations(
    before_parameter_build=by_operation({"CreateExportTask": parameter_alias("from", "fromTime")}),
)
