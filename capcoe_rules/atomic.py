"""Atomic output: a file appears under its final name complete, or not at all.

Every command that writes results (batch decisions, allocation reports) writes into a
temporary file in the destination's own directory (so that the final rename never crosses
a file system), flushes and fsyncs it, then renames it over the destination with
``os.replace``, which is atomic on POSIX and Windows. On any exception, KeyboardInterrupt
included, the temporary file is removed and a file that was already there is left
untouched: a reader never sees half a batch.

A process killed outright (``kill -9``, a crash) runs no clean-up, so where the system
allows (Linux, ``O_TMPFILE``) the temporary file has no name until it is complete: the
kernel frees it with the process and nothing is left behind. Elsewhere it is named
``.NAME.PID.XXXXXXXX.tmp``, and the next write of NAME removes those whose process (on
this machine) is gone.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Literal, TextIO

DEFAULT_MODE = 0o666
_UNNAMED = hasattr(os, "O_TMPFILE") and os.path.isdir("/proc/self/fd")
"""Whether unnamed temporary files can be made and given a name later (Linux)."""
_NOT_SUPPORTED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL}
"""What ``open(O_TMPFILE)`` says when a file system or kernel does not support it."""


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[TextIO]:
    """Yield a text handle (UTF-8, ``\\n`` line ends) whose content replaces ``path`` on exit.

    The new file keeps the mode of the file it replaces, or gets the usual mode for a new
    file (0o666 less the umask) rather than ``mkstemp``'s private 0o600.
    """
    with _atomic(path, "w") as handle:
        yield handle


@contextlib.contextmanager
def atomic_bytes_writer(path: Path) -> Iterator[BinaryIO]:
    """:func:`atomic_writer` for bytes: what a batch's worker processes encoded is written
    as it is (decoding it in the parent and encoding it again was most of its work)."""
    with _atomic(path, "wb") as handle:
        yield handle


@contextlib.contextmanager
def _atomic(path: Path, mode: Literal["w", "wb"]) -> Iterator[Any]:
    directory = path.parent
    remove_stale_temporaries(path)
    fd, temporary = _open_temporary(path)
    try:
        opened = (
            os.fdopen(fd, "w", encoding="utf-8", newline="\n")
            if mode == "w"
            else os.fdopen(fd, "wb")
        )
        with opened as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
            os.chmod(handle.fileno(), _mode_for(path))
            if temporary is None:
                temporary = _name(handle.fileno(), path)
        os.replace(temporary, path)
    except BaseException:
        if temporary is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
        raise
    _fsync_directory(directory)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files that writes of ``path`` by processes now gone left
    behind (killed mid-write where files cannot be unnamed); returns those removed."""
    pattern = re.compile(rf"\.{re.escape(path.name)}\.(\d+)\.[0-9a-z_]+\.tmp")
    try:
        names = os.listdir(path.parent)
    except OSError:
        return []
    removed = []
    for name in names:
        found = pattern.fullmatch(name)
        if found is not None and not _process_alive(int(found.group(1))):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)
                removed.append(path.parent / name)
    return removed


def _open_temporary(path: Path) -> tuple[int, str | None]:
    """A file to write into, and its name (None while it has none: see the module)."""
    if _UNNAMED:
        try:
            return os.open(path.parent, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, 0o600), None
        except OSError as error:
            if error.errno not in _NOT_SUPPORTED:
                raise
    return tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)


def _name(fd: int, path: Path) -> str:
    """Give the unnamed file ``fd`` a temporary name beside ``path``."""
    # linkat(AT_SYMLINK_FOLLOW) on /proc/self/fd/N, as open(2) documents for O_TMPFILE;
    # os.link calls it only when given a directory descriptor (else plain link(2)).
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        while True:
            name = f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
            try:
                os.link(f"/proc/self/fd/{fd}", name, dst_dir_fd=directory, follow_symlinks=True)
            except FileExistsError:
                continue
            return str(path.parent / name)
    finally:
        os.close(directory)


def _process_alive(pid: int) -> bool:
    if os.name != "posix":  # os.kill would terminate it there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's: alive
        return True
    return True


def same_file(first: Path, second: Path) -> bool:
    """Whether two paths name one file, also through a symbolic or a hard link."""
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): compare where each leads
        return first.resolve() == second.resolve()


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
