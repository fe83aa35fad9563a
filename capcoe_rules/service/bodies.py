"""Request bodies read within a size limit; JSON Lines bodies line by line, as they arrive.

A body over the limit is refused before it is read when it says its length, and as soon
as it passes the limit when it is sent in chunks: a client cannot make the service buffer
more than the limit. A JSON Lines body is never held whole: each line is decided as it
arrives, and only a line longer than the limit is refused (by its number, the others are
still decided).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

from starlette.requests import Request


class BodyTooLargeError(Exception):
    def __init__(self, limit: int) -> None:
        super().__init__(f"the request body is larger than {limit:,} bytes")
        self.limit = limit


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body, or :class:`BodyTooLargeError` once it exceeds ``limit`` bytes."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLargeError(limit)
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass(frozen=True, slots=True)
class Line:
    """A non-blank line of a JSON Lines body: its 1-based number, and its bytes, or None
    when it was longer than the limit (its bytes were not kept)."""

    number: int
    text: bytes | None


async def read_lines(request: Request, limit: int) -> AsyncIterator[list[Line]]:
    """The body's non-blank lines, a list per chunk received (so that work and answers go
    out chunk by chunk); blank lines count in the numbering, as in ``capcoe-rules batch``."""
    pending = bytearray()
    number = 0
    overlong = False  # the line being read has passed the limit: skip to its end
    async for chunk in request.stream():
        lines: list[Line] = []
        start = 0
        while (end := chunk.find(b"\n", start)) != -1:
            number += 1
            if overlong:
                lines.append(Line(number, None))
            else:
                pending += chunk[start:end]
                if len(pending) > limit:
                    lines.append(Line(number, None))
                elif pending.strip():
                    lines.append(Line(number, bytes(pending)))
            pending.clear()
            overlong = False
            start = end + 1
        if not overlong:
            pending += chunk[start:]
            if len(pending) > limit:
                overlong = True
                pending.clear()
        if lines:
            yield lines
    if overlong or pending.strip():
        number += 1
        yield [Line(number, None if overlong else bytes(pending))]
