"""Model data: locating botocore's data files, loading them once, and shape views."""
from .loader import Loader
from .registry import service_model_for
from .shapes import OperationModel, ServiceModel, Shape, xform_name

__all__ = ["service_model_for", "Loader", "OperationModel", "ServiceModel", "Shape", "xform_name"]
