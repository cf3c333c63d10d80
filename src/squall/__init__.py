"""squall: a boto3-compatible AWS SDK. Placeholder; the Session arrives next."""
__version__ = "0.1.0"
