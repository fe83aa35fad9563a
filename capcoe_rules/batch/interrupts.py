"""Ctrl-C and SIGTERM that always stop a batch, between two records, cleanly.

Python raises KeyboardInterrupt wherever the main thread happens to be when SIGINT
arrives. If that is inside pydantic-core serialising a decision (it calls back into Python
for Decimal and dates), the exception is reported as "ignored" and lost: the batch then
ran to the end after the user pressed Ctrl-C (seen about once in ten tries). So while a
batch runs, SIGINT only raises a flag, and the loop raises KeyboardInterrupt itself at the
next record, where nothing can swallow it.

SIGTERM (``kill``, a service manager stopping a job) would end the process at once,
leaving its temporary files; it is deferred the same way and ends the batch with
``SystemExit(143)``, the status a shell reports for it, once the temporary files are gone.
A second signal of either kind stops the batch at once, wherever it is.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator
from types import FrameType

_DEFAULT_HANDLERS: dict[signal.Signals, object] = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
}
"""The signals deferred, each only while Python's own default is in place."""


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[Callable[[], None]]:
    """Yield ``check()``, which raises once SIGINT (KeyboardInterrupt) or SIGTERM
    (``SystemExit(143)``) has arrived.

    Only Python's own handling is deferred: outside the main thread (where handlers
    cannot be set), or for a signal the embedding application ignores or handles itself,
    nothing changes and ``check()`` never raises for it.
    """
    if threading.current_thread() is not threading.main_thread():
        yield _never
        return
    deferred = [
        signum
        for signum, default in _DEFAULT_HANDLERS.items()
        if signal.getsignal(signum) is default
    ]
    arrived: list[int] = []

    def note(signum: int, _frame: FrameType | None) -> None:
        if arrived:  # a second signal: stop now
            raise _stop(signum)
        arrived.append(signum)

    def check() -> None:
        if arrived:
            raise _stop(arrived[0])

    previous = {signum: signal.signal(signum, note) for signum in deferred}
    try:
        yield check
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    check()  # a signal during the last record still counts


def _stop(signum: int) -> BaseException:
    if signum == signal.SIGINT:
        return KeyboardInterrupt()
    return SystemExit(128 + signum)


def _never() -> None:
    return None
