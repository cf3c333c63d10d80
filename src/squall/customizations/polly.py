"""Polly: StartSpeechSynthesisStream needs an HTTP/2 bidirectional stream, which Python
clients cannot open, so the client has no method for it (as botocore removes it); a
presigned SynthesizeSpeech URL signs no ``Content-Type`` (a browser's GET sends none)."""
from __future__ import annotations

from . import Customizations

CUSTOMIZATIONS = Customizations(
    removed_methods=frozenset({"start_speech_synthesis_stream"}),
    presign_drops_headers={"SynthesizeSpeech": ("Content-Type",)},
)
