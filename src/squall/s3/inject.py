"""S3's transfer methods on the client, ``Bucket`` and ``Object``, and the two ``load``
methods boto3 adds (``Bucket.load`` via ListBuckets, ``ObjectSummary.load`` via HeadObject).

Signatures, argument names and errors are boto3's: ``upload_file`` wraps a ClientError in
``S3UploadFailedError``; ``download_file`` raises ``RetriesExceededError`` when a body
keeps failing; a missing object is a ClientError (404) from HeadObject.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..exceptions import ClientError

if TYPE_CHECKING:  # imported on first transfer, not when an S3 client class is made
    from .transfer import TransferConfig

__all__ = [
    "CLIENT_METHODS", "upload_file", "download_file", "copy", "upload_fileobj", "download_fileobj",
    "bucket_load", "object_summary_load", "inject_bucket_methods", "inject_object_methods",
    "inject_object_summary_methods",
]

Callback = Callable[[int], Any] | None


def _manager(client: Any, config: TransferConfig | None) -> Any:
    # Looked up at call time through the module, so a replaced factory takes effect.
    from . import transfer

    return transfer.create_transfer_manager(client, config)


# -- on the client --------------------------------------------------------------------


def upload_file(self: Any, Filename: Any, Bucket: str, Key: str, ExtraArgs: Mapping[str, Any] | None = None,
                Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a file to an S3 object (multipart above ``Config.multipart_threshold``).

    ``ExtraArgs``: PutObject/CreateMultipartUpload settings (``S3Transfer.ALLOWED_UPLOAD_ARGS``);
    ``Callback(bytes)`` is called as the upload progresses. Raises S3UploadFailedError."""
    from .transfer import S3Transfer

    with S3Transfer(self, Config) as transfer:
        transfer.upload_file(Filename, Bucket, Key, extra_args=ExtraArgs, callback=Callback)


def download_file(self: Any, Bucket: str, Key: str, Filename: Any, ExtraArgs: Mapping[str, Any] | None = None,
                  Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download an S3 object to a file (written under a temporary name, then renamed).

    ``ExtraArgs``: ``S3Transfer.ALLOWED_DOWNLOAD_ARGS`` (VersionId, SSE-C keys, ...)."""
    from .transfer import S3Transfer

    with S3Transfer(self, Config) as transfer:
        transfer.download_file(Bucket, Key, Filename, extra_args=ExtraArgs, callback=Callback)


def copy(self: Any, CopySource: Mapping[str, Any], Bucket: str, Key: str, ExtraArgs: Mapping[str, Any] | None = None,
         Callback: Callback = None, SourceClient: Any = None, Config: TransferConfig | None = None) -> None:
    """Copy an object (``CopySource={'Bucket': ..., 'Key': ..., 'VersionId': ...}``) to
    ``Bucket``/``Key``; a multipart copy above the threshold. ``SourceClient`` makes the
    HeadObject of the source."""
    manager = _manager(self, Config)
    try:
        manager.copy(CopySource, Bucket, Key, ExtraArgs, Callback, SourceClient)
    finally:
        manager.close()


def upload_fileobj(self: Any, Fileobj: Any, Bucket: str, Key: str, ExtraArgs: Mapping[str, Any] | None = None,
                   Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a readable binary file-like object (seekable or not) to an S3 object."""
    if not hasattr(Fileobj, "read"):
        raise ValueError("Fileobj must implement read")
    manager = _manager(self, Config)
    try:
        manager.upload(Fileobj, Bucket, Key, ExtraArgs, Callback)
    finally:
        manager.close()


def download_fileobj(self: Any, Bucket: str, Key: str, Fileobj: Any, ExtraArgs: Mapping[str, Any] | None = None,
                     Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download an S3 object into a writable binary file-like object."""
    if not hasattr(Fileobj, "write"):
        raise ValueError("Fileobj must implement write")
    manager = _manager(self, Config)
    try:
        manager.download(Bucket, Key, Fileobj, ExtraArgs, Callback)
    finally:
        manager.close()


CLIENT_METHODS: Mapping[str, Callable[..., Any]] = {
    "upload_file": upload_file, "download_file": download_file, "copy": copy,
    "upload_fileobj": upload_fileobj, "download_fileobj": download_fileobj,
}


# -- on Bucket ------------------------------------------------------------------------


def bucket_load(self: Any, *args: Any, **kwargs: Any) -> None:
    """Load the bucket's attributes (``creation_date``) from ListBuckets; a bucket that is
    not listed, or a caller without ListBuckets permission, gets empty data."""
    self.meta.data = {}
    try:
        response = self.meta.client.list_buckets()
        for bucket in response["Buckets"]:
            if bucket["Name"] == self.name:
                self.meta.data = bucket
                break
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") != "AccessDenied":
            raise


def bucket_upload_file(self: Any, Filename: Any, Key: str, ExtraArgs: Mapping[str, Any] | None = None,
                       Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a file to ``Key`` in this bucket (see ``client.upload_file``)."""
    self.meta.client.upload_file(Filename=Filename, Bucket=self.name, Key=Key, ExtraArgs=ExtraArgs,
                                        Callback=Callback, Config=Config)


def bucket_download_file(self: Any, Key: str, Filename: Any, ExtraArgs: Mapping[str, Any] | None = None,
                         Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download ``Key`` of this bucket to a file (see ``client.download_file``)."""
    self.meta.client.download_file(Bucket=self.name, Key=Key, Filename=Filename, ExtraArgs=ExtraArgs,
                                          Callback=Callback, Config=Config)


def bucket_copy(self: Any, CopySource: Mapping[str, Any], Key: str, ExtraArgs: Mapping[str, Any] | None = None,
                Callback: Callback = None, SourceClient: Any = None, Config: TransferConfig | None = None) -> None:
    """Copy an object to ``Key`` in this bucket (see ``client.copy``)."""
    self.meta.client.copy(CopySource=CopySource, Bucket=self.name, Key=Key, ExtraArgs=ExtraArgs,
                                 Callback=Callback, SourceClient=SourceClient, Config=Config)


def bucket_upload_fileobj(self: Any, Fileobj: Any, Key: str, ExtraArgs: Mapping[str, Any] | None = None,
                          Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a file-like object to ``Key`` in this bucket (see ``client.upload_fileobj``)."""
    self.meta.client.upload_fileobj(Fileobj=Fileobj, Bucket=self.name, Key=Key, ExtraArgs=ExtraArgs,
                                           Callback=Callback, Config=Config)


def bucket_download_fileobj(self: Any, Key: str, Fileobj: Any, ExtraArgs: Mapping[str, Any] | None = None,
                            Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download ``Key`` of this bucket into a file-like object (see ``client.download_fileobj``)."""
    self.meta.client.download_fileobj(Bucket=self.name, Key=Key, Fileobj=Fileobj, ExtraArgs=ExtraArgs,
                                             Callback=Callback, Config=Config)


# -- on Object ------------------------------------------------------------------------


def object_upload_file(self: Any, Filename: Any, ExtraArgs: Mapping[str, Any] | None = None,
                       Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a file to this object (see ``client.upload_file``)."""
    self.meta.client.upload_file(Filename=Filename, Bucket=self.bucket_name, Key=self.key,
                                        ExtraArgs=ExtraArgs, Callback=Callback, Config=Config)


def object_download_file(self: Any, Filename: Any, ExtraArgs: Mapping[str, Any] | None = None,
                         Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download this object to a file (see ``client.download_file``)."""
    self.meta.client.download_file(Bucket=self.bucket_name, Key=self.key, Filename=Filename,
                                          ExtraArgs=ExtraArgs, Callback=Callback, Config=Config)


def object_copy(self: Any, CopySource: Mapping[str, Any], ExtraArgs: Mapping[str, Any] | None = None,
                Callback: Callback = None, SourceClient: Any = None, Config: TransferConfig | None = None) -> None:
    """Copy an object onto this object (see ``client.copy``)."""
    self.meta.client.copy(CopySource=CopySource, Bucket=self.bucket_name, Key=self.key, ExtraArgs=ExtraArgs,
                                 Callback=Callback, SourceClient=SourceClient, Config=Config)


def object_upload_fileobj(self: Any, Fileobj: Any, ExtraArgs: Mapping[str, Any] | None = None,
                          Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Upload a file-like object to this object (see ``client.upload_fileobj``)."""
    self.meta.client.upload_fileobj(Fileobj=Fileobj, Bucket=self.bucket_name, Key=self.key,
                                           ExtraArgs=ExtraArgs, Callback=Callback, Config=Config)


def object_download_fileobj(self: Any, Fileobj: Any, ExtraArgs: Mapping[str, Any] | None = None,
                            Callback: Callback = None, Config: TransferConfig | None = None) -> None:
    """Download this object into a file-like object (see ``client.download_fileobj``)."""
    self.meta.client.download_fileobj(Bucket=self.bucket_name, Key=self.key, Fileobj=Fileobj,
                                             ExtraArgs=ExtraArgs, Callback=Callback, Config=Config)


def object_summary_load(self: Any, *args: Any, **kwargs: Any) -> None:
    """Load the summary's attributes with HeadObject (``ContentLength`` becomes ``Size``)."""
    response = self.meta.client.head_object(Bucket=self.bucket_name, Key=self.key)
    if "ContentLength" in response:
        response["Size"] = response.pop("ContentLength")
    self.meta.data = response


def _inject(attrs: dict[str, Any], methods: Mapping[str, Callable[..., Any]]) -> None:
    from ..resources._customize import inject_attribute  # not at import: S3 clients import this module

    for name, method in methods.items():
        inject_attribute(attrs, name, method)


def inject_bucket_methods(attrs: dict[str, Any], bases: list[type]) -> None:
    _inject(attrs, {"load": bucket_load, "upload_file": bucket_upload_file, "download_file": bucket_download_file,
                    "copy": bucket_copy, "upload_fileobj": bucket_upload_fileobj,
                    "download_fileobj": bucket_download_fileobj})


def inject_object_methods(attrs: dict[str, Any], bases: list[type]) -> None:
    _inject(attrs, {"upload_file": object_upload_file, "download_file": object_download_file, "copy": object_copy,
                    "upload_fileobj": object_upload_fileobj, "download_fileobj": object_download_fileobj})


def inject_object_summary_methods(attrs: dict[str, Any], bases: list[type]) -> None:
    _inject(attrs, {"load": object_summary_load})

