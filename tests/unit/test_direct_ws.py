"""Writing a phone's message straight into its WebSocket (``server/realtime/direct_ws.py``):
never interleaved with Engine.IO's own writes, never ahead of what is queued, and the rest
of a frame the kernel took only part of follows before anything else."""

import struct

import gevent
import pytest
from gevent import socket
from gevent.lock import Semaphore
from gevent.queue import JoinableQueue

from server.realtime.direct_ws import DirectSender, Link, text_frame


class EioSocket:
    closed = closing = upgrading = False
    upgraded = True

    def __init__(self):
        self.queue = JoinableQueue()


def read_frames(sock, count):
    data = b""
    frames = []
    while len(frames) < count:
        chunk = sock.recv(1 << 20)
        assert chunk, "connection closed"
        data += chunk
        while len(data) >= 2:
            n, head = data[1] & 0x7F, 2
            if n == 126:
                n, head = struct.unpack("!H", data[2:4])[0], 4
            elif n == 127:
                n, head = struct.unpack("!Q", data[2:10])[0], 10
            if len(data) < head + n:
                break
            assert data[0] == 0x81
            frames.append(data[head:head + n])
            data = data[head + n:]
    return frames


@pytest.fixture
def pair():
    server, client = socket.socketpair()
    sender = DirectSender()
    eio = EioSocket()
    link = Link(eio, server, server._sock, Semaphore())
    sender.links["sid"] = link
    yield sender, eio, link, server, client
    server.close()
    client.close()


def test_frames_arrive_whole_and_in_order_when_the_reader_lags(pair):
    sender, eio, link, server, client = pair
    big = [(b"4" + str(i).encode() + b"x" * 300_000) for i in range(8)]

    def engineio_writer():  # Engine.IO's writer: what is queued, written through the same lock
        while (data := eio.queue.get()) is not None:
            with link.lock:
                server.sendall(text_frame(data))

    writer = gevent.spawn(engineio_writer)
    written = []
    for i, payload in enumerate(big):
        if i == 4:
            # the kernel's buffer is full by now: a frame was taken in part, or not at all
            assert link.lock.locked() or not sender.send("sid", payload)
            eio.queue.put(payload)  # what the caller does when the direct way is refused
        elif not sender.send("sid", payload):
            eio.queue.put(payload)
        written.append(payload)
    eio.queue.put(None)
    reader = gevent.spawn(read_frames, client, len(big))
    frames = reader.get(timeout=10)
    writer.get(timeout=10)
    assert frames == written  # whole, and in the order they were sent


def test_nothing_jumps_the_queue(pair):
    sender, eio, link, server, client = pair
    eio.queue.put("an older packet")
    assert not sender.send("sid", b"4new")  # the caller hands it to Engine.IO instead
    eio.queue.get()
    assert sender.send("sid", b"4new")
    assert read_frames(client, 1) == [b"4new"]
    with link.lock:
        assert not sender.send("sid", b"4during a write")


def test_closed_or_unknown_connections_are_left_to_engineio(pair):
    sender, eio, link, server, client = pair
    assert not sender.send("someone else", b"4x")
    eio.closing = True
    assert not sender.send("sid", b"4x")
