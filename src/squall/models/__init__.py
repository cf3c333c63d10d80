"""Model data: locating botocore's data files, loading them once, and shape views."""
from .loader import Loader
from .shapes import OperationModel, ServiceModel, Shape, xform_name

__all__ = ["Loader", "OperationModel", "ServiceModel", "Shape", "xform_name"]
