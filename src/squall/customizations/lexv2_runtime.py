"""Lex Runtime V2 StartConversation needs an HTTP/2 bidirectional stream, which Python clients cannot open:
the client has no method for it (as botocore removes it)."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(removed_methods=frozenset({"start_conversation"}))
