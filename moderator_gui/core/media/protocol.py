"""Messages between the service and its worker processes: 4-byte big-endian length + JSON.

Only metadata crosses the pipe (the worker writes images straight into the cache),
so messages are small; anything larger than ``MAX_MESSAGE`` means the worker is
broken and the parent treats it as a crash instead of buffering without bound.
"""

from __future__ import annotations

import json
import struct
from typing import Any, BinaryIO

MAX_MESSAGE = 1 << 20
_HEADER = struct.Struct(">I")


class ProtocolError(Exception):
    """The other side sent something that is not a message of ours."""


def encode(msg: dict[str, Any]) -> bytes:
    body = json.dumps(msg, separators=(",", ":")).encode()
    return _HEADER.pack(len(body)) + body


def read_message(f: BinaryIO) -> dict[str, Any] | None:
    """Blocking read of one message (worker side); None at end of input."""
    header = f.read(_HEADER.size)
    if len(header) < _HEADER.size:
        return None
    (n,) = _HEADER.unpack(header)
    if n > MAX_MESSAGE:
        raise ProtocolError(f"message of {n} bytes")
    body = f.read(n)
    if len(body) < n:
        return None
    msg = json.loads(body)
    if not isinstance(msg, dict):
        raise ProtocolError("message is not an object")
    return msg


class Decoder:
    """Incremental parser for the parent, fed from non-blocking reads."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[dict[str, Any]]:
        self._buf += data
        out: list[dict[str, Any]] = []
        while len(self._buf) >= _HEADER.size:
            (n,) = _HEADER.unpack_from(self._buf)
            if n > MAX_MESSAGE:
                raise ProtocolError(f"message of {n} bytes")
            if len(self._buf) < _HEADER.size + n:
                break
            body = bytes(self._buf[_HEADER.size : _HEADER.size + n])
            del self._buf[: _HEADER.size + n]
            try:
                msg = json.loads(body)
            except ValueError as exc:
                raise ProtocolError(f"bad message: {exc}") from None
            if not isinstance(msg, dict):
                raise ProtocolError("message is not an object")
            out.append(msg)
        return out
