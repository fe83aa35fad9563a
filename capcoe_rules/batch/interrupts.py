"""Ctrl-C that always stops a batch, between two records.

Python raises KeyboardInterrupt wherever the main thread happens to be when SIGINT
arrives. If that is inside pydantic-core serialising a decision (it calls back into Python
for Decimal and dates), the exception is reported as "ignored" and lost: the batch then
ran to the end after the user pressed Ctrl-C (seen about once in ten tries). So while a
batch runs, SIGINT only raises a flag, and the loop raises KeyboardInterrupt itself at the
next record, where nothing can swallow it.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[Callable[[], None]]:
    """Yield ``check()``, which raises KeyboardInterrupt once SIGINT has arrived.

    Only Python's own Ctrl-C handling is deferred: outside the main thread (where
    handlers cannot be set), or when the embedding application ignores SIGINT or handles
    it itself, nothing changes and ``check()`` never raises.
    """
    previous = signal.getsignal(signal.SIGINT)
    if (
        threading.current_thread() is not threading.main_thread()
        or previous is not signal.default_int_handler
    ):
        yield _never
        return
    arrived = threading.Event()

    def note(_signum: int, _frame: FrameType | None) -> None:
        arrived.set()

    def check() -> None:
        if arrived.is_set():
            raise KeyboardInterrupt

    signal.signal(signal.SIGINT, note)
    try:
        yield check
    finally:
        signal.signal(signal.SIGINT, previous)
    check()  # a Ctrl-C during the last record still counts


def _never() -> None:
    return None
