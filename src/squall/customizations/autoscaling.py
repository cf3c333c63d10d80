"""Auto Scaling: base64-encoded user data on CreateLaunchConfiguration (as EC2)."""
from __future__ import annotations

from . import Customizations
from ._util import by_operation
from .ec2 import encode_user_data

CUSTOMIZATIONS = Customizations(
    before_parameter_build=by_operation({"CreateLaunchConfiguration": encode_user_data}),
)
