"""What a worker process of :func:`~capcoe_rules.batch.running.ordered_map` runs: its
start-up, then one task per item.

This module imports the standard library only, and so must stay. A new worker unpickles
its start-up function before anything else; were that function in a module that imports
the engine, the worker would spend its first quarter of a second importing while the
parent, blocked on writing the rest of the worker's start-up data into its pipe (64 KB),
could not start the next worker: workers would start one after the other instead of
together.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import pickle
import signal
import threading
from collections.abc import Callable
from typing import Any

_state: Any = None


def install_state(pickled_state: bytes) -> None:
    """Worker start-up: leave Ctrl-C to the parent; die with it; unpickle the shared state.

    On Ctrl-C the terminal signals the whole process group. If workers died of it, the
    parent would see a broken pool instead of a clean interrupt; ignoring it here lets the
    parent cancel what is queued, remove its temporary files and exit. The worker was
    started with SIGINT blocked (see ``running._sigint_blocked``), so one that arrived
    while it was starting is pending: ignoring SIGINT before unblocking it discards it.

    The state comes as bytes, unpickled only here, for the reason the module gives:
    unpickling an engine imports most of the package.
    """
    global _state  # noqa: PLW0603 - one state per worker process, set once
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with_parent, args=(parent.sentinel,), name="parent-watch", daemon=True
        ).start()
    _state = pickle.loads(pickled_state)  # pickled by this worker's parent, trusted


def _exit_with_parent(sentinel: int) -> None:
    """Exit as soon as the parent is gone (killed outright, it cannot stop its workers:
    they would wait for work forever, and keep multiprocessing's resource tracker alive)."""
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


def run_task(task: Callable[[Any, Any], Any], item: Any) -> Any:
    """One item of work: ``task(state, item)`` with the state installed at start-up."""
    return task(_state, item)
