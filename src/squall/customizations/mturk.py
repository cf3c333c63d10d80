"""MTurk: ``list_hi_ts_for_qualification_type``, the name older boto3 releases derived
from ``ListHITsForQualificationType``, still answers (as botocore's ClientMethodAlias)."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    method_aliases={"list_hi_ts_for_qualification_type": "list_hits_for_qualification_type"},
)
