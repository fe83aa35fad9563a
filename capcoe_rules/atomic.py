"""Atomic output: a file appears under its final name complete, or not at all.

Every command that writes results (batch decisions, allocation reports) writes into a
temporary file in the destination's own directory (so that the final rename never crosses
a file system), flushes and fsyncs it, then renames it over the destination with
``os.replace``, which is atomic on POSIX and Windows. On any exception, KeyboardInterrupt
included, the temporary file is removed and a file that was already there is left
untouched: a reader never sees half a batch.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

DEFAULT_MODE = 0o666


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """Yield a text handle (UTF-8, ``\\n`` line ends) whose content replaces ``path`` on exit.

    The new file keeps the mode of the file it replaces, or gets the usual mode for a new
    file (0o666 less the umask) rather than ``mkstemp``'s private 0o600.
    """
    directory = path.parent
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    _fsync_directory(directory)


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (creating its directory if needed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path) as handle:
        handle.write(text)


def _mode_for(path: Path) -> int:
    try:
        return path.stat().st_mode & 0o7777
    except FileNotFoundError:
        return DEFAULT_MODE & ~_umask()


def _umask() -> int:
    """The process umask, read without changing it where the system allows (Linux): the
    only portable way, setting it and back, races with other threads creating files."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return umask


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable; a no-op where directories cannot be opened."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
