"""Server-to-client WebSocket text frames encoded by hand (RFC 6455: unmasked, uncompressed),
so a burst writes many messages with one transport write instead of one per message.
An uncompressed frame is valid even when permessage-deflate was negotiated (RFC 7692 §6)."""

from __future__ import annotations

import struct


def text_frames(texts: list[str]) -> bytes:
    """The frames of many text messages, concatenated."""
    out = bytearray()
    for text in texts:
        payload = text.encode()
        n = len(payload)
        if n < 126:
            out += bytes((0x81, n))
        elif n < 1 << 16:
            out += struct.pack("!BBH", 0x81, 126, n)
        else:
            out += struct.pack("!BBQ", 0x81, 127, n)
        out += payload
    return bytes(out)
