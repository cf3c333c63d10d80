"""Route 53: resource ids may be passed as returned (``/hostedzone/Z123``); send ``Z123``."""
from __future__ import annotations

from typing import Any, Mapping

from ..models import OperationModel
from . import Customizations

_ID_SHAPES = frozenset({"ResourceId", "DelegationSetId", "ChangeId"})


def strip_id_prefixes(op: OperationModel, params: Mapping[str, Any]) -> Mapping[str, Any]:
    shape = op.input_shape
    if shape is None:
        return params
    fixed = dict(params)
    for name, member in shape.members.items():
        if member.name in _ID_SHAPES and isinstance(fixed.get(name), str):
            fixed[name] = fixed[name].split("/")[-1]
    return fixed


CUSTOMIZATIONS = Customizations(before_parameter_build=strip_id_prefixes)
