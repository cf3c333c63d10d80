"""The client runtime: client classes, the call flow (sans-IO) and its drivers."""
