"""Process-wide cache of parsed ServiceModels, shared by every Session and thread."""
from __future__ import annotations

import threading

from .loader import Loader
from .shapes import ServiceModel

__all__ = ["service_model_for"]

# Keyed by the parsed file itself (the loader caches it per path), so Sessions whose
# search paths differ only by directories that do not exist share one model.
_models: dict[int, tuple[object, ServiceModel]] = {}
_lock = threading.Lock()


def service_model_for(loader: Loader, service_name: str, api_version: str | None = None) -> ServiceModel:
    raw = loader.load_service_model(service_name, "service-2", api_version)
    found = _models.get(id(raw))
    if found is not None and found[0] is raw:
        return found[1]
    with _lock:
        found = _models.get(id(raw))
        if found is None or found[0] is not raw:
            found = (raw, ServiceModel(raw, service_name=service_name))
            _models[id(raw)] = found
        return found[1]
