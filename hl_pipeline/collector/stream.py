"""A websockets client connection that hands each data message to a callback as soon as it is parsed.

`ClientConnection.recv()` queues every frame, then wakes the reader with a future: at tens of
thousands of messages a second that costs about as much as the collector's own work on a message.
Here messages are handled inside `data_received`, in the order they arrived, with the time the
bytes were read from the socket (one clock read per read, not per message); the reader's
backpressure is the handler's own pace. Control frames (ping, pong, close) stay with websockets."""

from __future__ import annotations

import time
from collections.abc import Callable

from websockets.asyncio.client import ClientConnection
from websockets.frames import Frame, Opcode
from websockets.protocol import Event

Handler = Callable[[bytes, int], None]  # (message, receive ms)


class StreamConnection(ClientConnection):
    """Set `handler` right after connecting; data messages arriving while it is None are dropped.
    An exception the handler lets through closes the connection and is kept in `failure`."""

    handler: Handler | None = None
    failure: Exception | None = None
    _fragments: list[bytes] | None = None  # a fragmented message so far
    _received_ms = 0  # when the bytes being parsed were read

    def data_received(self, data: bytes) -> None:
        self._received_ms = int(time.time() * 1000)
        super().data_received(data)

    def process_event(self, event: Event) -> None:
        if self.response is None or not isinstance(event, Frame) or event.opcode > Opcode.BINARY:
            return super().process_event(event)  # the handshake response, control frames
        data = bytes(event.data)
        if event.opcode is Opcode.CONT:  # websockets refuses a continuation of nothing
            assert self._fragments is not None
            self._fragments.append(data)
        elif not event.fin:
            self._fragments = [data]
        if not event.fin:
            return
        if self._fragments is not None:
            data, self._fragments = b"".join(self._fragments), None
        if self.handler is not None:
            try:
                self.handler(data, self._received_ms)
            except Exception as exc:  # noqa: BLE001 - handed to the session, which raises it
                self.failure, self.handler = exc, None
                self.transport.close()
