"""A JSON Lines file cut into ranges of lines that worker processes read for themselves.

With ``--workers N`` the parent could read every line and send it down a worker's pipe,
but on a machine with N cores the parent is then one process more competing with its
workers for them: it reads, numbers and pickles each line, a helper thread writes the
chunks into the pipes, and every worker unpickles them. A range is three numbers instead:
the parent only finds where every chunk's first line starts (``bytes.find`` over blocks of
a megabyte), and each worker opens the same file, seeks and reads its own lines, exactly
as :func:`~capcoe_rules.batch.reading.bounded_lines` and
:func:`~capcoe_rules.batch.reading.read_records` would have read them in the parent.

Only a regular file that can be opened again by its name, and is then the very file the
parent opened (same device and inode), is shared this way. A pipe, a terminal, or
``/dev/stdin`` fed by a pipe cannot be read twice, and is read by the parent as before.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import BinaryIO, NamedTuple

from capcoe_rules.batch.reading import Record, bounded_lines, read_records

BLOCK_SIZE = 1 << 20
"""Bytes the parent reads at a time while it looks for the ranges' first lines."""


class LineRange(NamedTuple):
    """Consecutive lines of the input, blank ones included, each ended by ``\\n`` but
    perhaps the file's last."""

    offset: int
    """Where the first line starts, in bytes from the start of the file."""
    first_line: int
    """The first line's 1-based number."""
    lines: int


@dataclass(frozen=True)
class SharedSource:
    """An input file that worker processes open by name, and check is still the same file."""

    path: str
    device: int
    inode: int

    def read(self, lines: LineRange) -> list[Record]:
        """The records of ``lines``, numbered as in the whole file.

        Raises ``OSError`` (ESTALE) if the name now names another file: the batch stops
        rather than decide lines of a file that replaced the input half-way.
        """
        # Opened again for every range (tens of microseconds against the range's tens of
        # milliseconds), so that each range is checked against the file it comes from.
        with open(self.path, "rb") as handle:
            status = os.fstat(handle.fileno())
            if (status.st_dev, status.st_ino) != (self.device, self.inode):
                raise OSError(errno.ESTALE, os.strerror(errno.ESTALE), self.path)
            handle.seek(lines.offset)
            return list(
                read_records(islice(bounded_lines(handle), lines.lines), first=lines.first_line)
            )


def shared_source(source: Path, handle: BinaryIO) -> SharedSource | None:
    """``handle`` (opened from ``source``) as workers can open it again, or None.

    The name workers open is ``source`` with its links resolved, so that ``/dev/stdin``
    redirected from a file names that file, not the worker's own standard input.
    """
    status = os.fstat(handle.fileno())
    if not stat.S_ISREG(status.st_mode):
        return None
    path = os.path.realpath(source)
    try:
        again = os.stat(path)
    except OSError:  # a file deleted while open, a link into another process's fds
        return None
    if not os.path.samestat(again, status):
        return None
    return SharedSource(path, status.st_dev, status.st_ino)


def line_ranges(
    handle: BinaryIO, lines_per_range: int, block_size: int = BLOCK_SIZE
) -> Iterator[LineRange]:
    """The lines of ``handle``, from its start, in ranges of ``lines_per_range`` lines
    (the last one shorter). Reads the file once, ``block_size`` bytes at a time: memory
    stays at a block, whatever the lengths of the lines."""
    start = 0  # where the range being counted starts
    first_line = 1
    lines = 0
    read = 0  # bytes read before the current block
    line_start = 0  # where the line being read starts
    while block := handle.read(block_size):
        position = 0
        while (end := block.find(b"\n", position)) != -1:
            position = end + 1
            line_start = read + position
            lines += 1
            if lines == lines_per_range:
                yield LineRange(start, first_line, lines)
                start, first_line, lines = line_start, first_line + lines, 0
        read += len(block)
    if read > line_start:  # a last line without its "\n"
        lines += 1
    if lines:
        yield LineRange(start, first_line, lines)
