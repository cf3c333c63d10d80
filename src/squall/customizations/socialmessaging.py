"""AWS End User Messaging Social: the method's first published name still answers."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    method_aliases={"delete_whatsapp_media_message": "delete_whatsapp_message_media"},
)
