"""S3 transfers (``upload_file``, ``download_file``, ``copy``, ...) and S3's resource
customizations; see ``transfer`` for the settings and the transfer-manager interface."""
