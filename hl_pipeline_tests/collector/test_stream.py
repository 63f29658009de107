"""The connection that hands each data message to the collector as websockets parses it."""

import asyncio

from websockets.client import ClientProtocol
from websockets.datastructures import Headers
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri

from hl_pipeline.collector.stream import StreamConnection


class _Transport:
    closed = False

    def close(self):
        self.closed = True


def _open(handler):
    conn = StreamConnection(ClientProtocol(parse_uri("ws://127.0.0.1/ws")))
    conn.response = Response(101, "Switching Protocols", Headers())  # past the handshake
    conn.handler = handler
    return conn


def test_messages_are_handed_over_whole_and_in_order():
    async def main():
        got = []
        conn = _open(lambda data, receive: got.append(data))
        conn.process_event(Frame(Opcode.TEXT, b"first"))
        conn.process_event(Frame(Opcode.TEXT, b'{"a":', fin=False))
        conn.process_event(Frame(Opcode.CONT, b"1", fin=False))
        conn.process_event(Frame(Opcode.CONT, b"}", fin=True))
        conn.process_event(Frame(Opcode.BINARY, b"last"))
        return got

    assert asyncio.run(main()) == [b"first", b'{"a":1}', b"last"]


def test_messages_without_a_handler_are_dropped():
    async def main():
        got = []
        conn = _open(lambda data, receive: got.append(data))
        conn.handler = None  # stopped
        conn.process_event(Frame(Opcode.TEXT, b"after the stop"))
        return got

    assert asyncio.run(main()) == []


def test_a_handler_failure_closes_the_connection_and_is_kept():
    def handler(data, receive):
        raise RuntimeError("bug")

    async def main():
        conn = _open(handler)
        conn.transport = _Transport()
        conn.process_event(Frame(Opcode.TEXT, b"x"))
        conn.process_event(Frame(Opcode.TEXT, b"y"))  # not handled any more
        return conn

    conn = asyncio.run(main())
    assert isinstance(conn.failure, RuntimeError) and conn.transport.closed and conn.handler is None
