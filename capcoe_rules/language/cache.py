"""A cache of checked rule sets on disk, so that a fresh process skips reading and checking.

``capcoe-rules evaluate`` decides one case per process: without a cache every run reads
the YAML and runs the checker again, and imports all of it. A rule set that checked clean
is stored here, pickled, under a key that says everything its checked form depends on:

- the rule files' text, path by path (the rule set's content hash), and the origin that
  positions name (``rules``, ``/srv/rules``): a changed, added or removed file misses;
- this Python, and where capcoe-rules is installed;
- the code it was checked with: each entry lists the size and modification time of
  every capcoe-rules module loaded when it was written, and of the packages of pydantic
  and PyYAML, and a hit needs them all unchanged (as Python's ``.pyc`` files do), so an
  edited checker or an upgraded library misses too.

A rule set with problems is never stored: ``check`` lists them afresh every time. Each
entry carries a SHA-256 digest of itself; an entry that is torn, corrupt, stale,
unreadable, not the user's own or writable by others is ignored (and replaced by the next
write), never trusted. Writing is best effort: a read-only or full disk only costs the
time the cache would have saved. At most :data:`MAX_ENTRIES` entries are kept, the least
recently used going first.

Where: ``$CAPCOE_CACHE_DIR`` if set, else the user's cache directory
(``$XDG_CACHE_HOME/capcoe-rules``, ``~/.cache/capcoe-rules``; ``~/Library/Caches`` on
macOS, ``%LOCALAPPDATA%`` on Windows). ``CAPCOE_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

from capcoe_rules.language.ruleset import CheckedRuleSet

DIRECTORY_VARIABLE = "CAPCOE_CACHE_DIR"
DISABLE_VARIABLE = "CAPCOE_NO_CACHE"
MAX_ENTRIES = 32
"""Entries kept: every edit of a rule file makes a new one (about 0.2 MB each)."""
FORMAT = b"capcoe-rules checked rule set, format 1\n"
"""The first bytes of every entry; a change of layout changes them (and every key)."""
_SUFFIX = ".ruleset"
_TEMPORARY_PREFIX = ".tmp-"
_STALE_TEMPORARY_SECONDS = 3600
_PACKAGE = Path(__file__).resolve().parent.parent
_THIRD_PARTY = ("pydantic", "pydantic_core", "yaml")
"""Libraries whose code shapes a checked rule set besides ours."""

Fingerprint = tuple[tuple[str, int, int], ...]
"""(path, size, modification time in ns) of each file an entry was built with."""


def enabled() -> bool:
    return os.environ.get(DISABLE_VARIABLE, "") in ("", "0")


def directory() -> Path | None:
    """Where entries live, or None when there is nowhere (no home directory)."""
    chosen = os.environ.get(DIRECTORY_VARIABLE)
    if chosen:
        return Path(chosen)
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no password entry
        return None
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return base / "capcoe-rules" / "Cache"
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "capcoe-rules"
    return Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "capcoe-rules"


def key(content_hash: str, origin: str) -> str:
    """The name of the entry for a rule set with ``content_hash`` read from ``origin``."""
    digest = hashlib.sha256(FORMAT)
    for part in (content_hash, origin, sys.version, str(_PACKAGE)):
        digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return digest.hexdigest()


def read(name: str, content_hash: str) -> CheckedRuleSet | None:
    """The rule set stored under ``name``, or None (absent, stale or not to be trusted)."""
    where = directory()
    if not enabled() or where is None:
        return None
    path = where / (name + _SUFFIX)
    try:
        with path.open("rb") as handle:
            if not _trusted(os.fstat(handle.fileno())):
                return None
            data = handle.read()
        fingerprint, payload = _unpacked(data)
        if fingerprint is None or fingerprint != _fingerprint(f for f, _, _ in fingerprint):
            return None
        ruleset = pickle.loads(payload)
    except Exception:  # whatever is wrong with an entry, it is only a miss
        return None
    if not isinstance(ruleset, CheckedRuleSet) or ruleset.content_hash != content_hash:
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: pruned last
    return ruleset


def write(name: str, ruleset: CheckedRuleSet) -> None:
    """Store ``ruleset`` under ``name``, atomically; silently nothing where it cannot."""
    where = directory()
    if not enabled() or where is None:
        return
    with contextlib.suppress(Exception):
        payload = pickle.dumps(ruleset, protocol=pickle.HIGHEST_PROTOCOL)
        data = _packed(_fingerprint(_code_files()), payload)
        where.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, temporary = tempfile.mkstemp(prefix=_TEMPORARY_PREFIX, dir=where)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temporary, where / (name + _SUFFIX))
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        _prune(where)


def _code_files() -> list[str]:
    """The files of the code a rule set was just checked with: every capcoe-rules module
    loaded, and the package of each library it relies on (an upgrade rewrites it)."""
    found = set()
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        ours = name == "capcoe_rules" or name.startswith("capcoe_rules.")
        if isinstance(file, str) and (ours or name in _THIRD_PARTY):
            found.add(file)
    return sorted(found)


def _trusted(status: os.stat_result) -> bool:
    """Only the user's own file, which nobody else may write, is unpickled."""
    if sys.platform == "win32":
        return True
    return status.st_uid == os.getuid() and not status.st_mode & 0o022


def _fingerprint(files: Iterable[str]) -> Fingerprint:
    found = []
    for file in files:
        try:
            status = os.stat(file)
        except OSError:
            found.append((file, -1, -1))
        else:
            found.append((file, status.st_size, status.st_mtime_ns))
    return tuple(found)


def _packed(fingerprint: Fingerprint, payload: bytes) -> bytes:
    body = pickle.dumps((fingerprint, payload), protocol=pickle.HIGHEST_PROTOCOL)
    return FORMAT + hashlib.sha256(body).digest() + body


def _unpacked(data: bytes) -> tuple[Fingerprint | None, bytes]:
    start = len(FORMAT) + 32
    if (
        not data.startswith(FORMAT)
        or hashlib.sha256(data[start:]).digest() != data[len(FORMAT) : start]
    ):
        return None, b""
    fingerprint, payload = pickle.loads(data[start:])
    return fingerprint, payload


def _prune(where: Path) -> None:
    """Keep the :data:`MAX_ENTRIES` most recently used entries; remove temporary files a
    killed process left."""
    entries: list[tuple[float, Path]] = []
    now = time.time()
    for path in where.iterdir():
        with contextlib.suppress(OSError):
            modified = path.stat().st_mtime
            if path.name.startswith(_TEMPORARY_PREFIX):
                if now - modified > _STALE_TEMPORARY_SECONDS:
                    path.unlink()
            elif path.name.endswith(_SUFFIX):
                entries.append((modified, path))
    for _, path in sorted(entries, reverse=True)[MAX_ENTRIES:]:
        with contextlib.suppress(OSError):
            path.unlink()
