"""CloudWatch: the OTel enrichment methods also answer under the names older boto3
releases derived from ``...OTelEnrichment`` (``get_o_tel_enrichment``)."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    method_aliases={
        f"{verb}_o_tel_enrichment": f"{verb}_otel_enrichment" for verb in ("get", "start", "stop")
    },
)
