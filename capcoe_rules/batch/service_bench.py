"""The HTTP service next to in-process evaluation: what ``POST /v1/decisions`` costs.

``capcoe-rules bench`` starts ``capcoe-rules serve`` on a free loopback port (one worker,
no access log) and sends it the benchmark's cases from N concurrent clients (threads of
this process, each on its own keep-alive connection); the in-process contender decides
the same cases in this process (``engine.evaluate(text).to_json()``: the work the service
does for a request, without HTTP). The two run in alternating rounds, each round
changing which goes first, so that whatever else the machine does weighs on both alike.

Reported: throughput and p50/p99 latency of each, their ratios, the CPU time of the
server, of the clients and of the in-process contender next to their wall time, and the
load average before and after (on a machine whose cores the clients share with the
server, the clients' CPU is part of the price).
"""

from __future__ import annotations

import functools
import http.client
import importlib.util
import os
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from capcoe_rules.engine import Engine
from capcoe_rules.service.process import ServerProcess

WARM_UP = 100
"""Requests (and evaluations) before measuring: first-call caches, connections."""


def service_available() -> bool:
    """Whether the ``serve`` extra (FastAPI, uvicorn) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("fastapi", "uvicorn"))


@dataclass
class Contender:
    """What one way of deciding took, over every measured round."""

    latencies_ns: list[int] = field(default_factory=list)
    wall: float = 0.0
    cpu: float = 0.0
    """CPU seconds of the process doing the work (the server, or this process)."""
    client_cpu: float = 0.0
    """For the service: CPU seconds of the clients (this process)."""

    @property
    def throughput(self) -> float:
        return len(self.latencies_ns) / self.wall if self.wall else 0.0

    @property
    def latencies_ms(self) -> list[float]:
        return [value / 1e6 for value in self.latencies_ns]


@dataclass(frozen=True)
class ServiceComparison:
    clients: int
    rounds: int
    service: Contender
    in_process: Contender
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]


def compare_service(
    rules: Path,
    texts: Sequence[str],
    *,
    clients: int = 4,
    requests: int = 2000,
    rounds: int = 4,
) -> ServiceComparison:
    """Decide ``requests`` cases (cycling through ``texts``) each way, in ``rounds``
    alternating rounds, ``clients`` concurrent HTTP clients for the service."""
    engine = Engine.from_path(rules)
    per_round = max(clients, requests // rounds)
    service, in_process = Contender(), Contender()
    load_before = os.getloadavg()
    with ServerProcess([rules]) as server:
        _over_http(server, texts[:WARM_UP], clients, None)
        _in_process(engine, texts[:WARM_UP], None)
        for index in range(rounds):
            batch = [texts[(index * per_round + n) % len(texts)] for n in range(per_round)]
            runs: list[Callable[[], None]] = [
                functools.partial(_over_http, server, batch, clients, service),
                functools.partial(_in_process, engine, batch, in_process),
            ]
            for run in runs if index % 2 == 0 else reversed(runs):
                run()
    return ServiceComparison(clients, rounds, service, in_process, load_before, os.getloadavg())


def _over_http(
    server: ServerProcess, texts: Sequence[str], clients: int, into: Contender | None
) -> None:
    # Bytes: http.client would send a str body as Latin-1.
    shares = [[text.encode() for text in texts[n::clients]] for n in range(clients)]
    latencies: list[list[int]] = [[] for _ in range(clients)]
    failures: list[BaseException] = []
    start = threading.Barrier(clients + 1)

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
        try:
            start.wait()
            clock, record = time.perf_counter_ns, latencies[number].append
            for body in shares[number]:
                began = clock()
                connection.request("POST", "/v1/decisions", body, _HEADERS)
                response = connection.getresponse()
                response.read()
                record(clock() - began)
                if response.status != 200:
                    raise RuntimeError(f"the service answered {response.status}")
        except BaseException as error:  # reported by the caller, not lost in a thread
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    server_cpu, client_cpu = server.cpu_seconds(), time.process_time()
    began = time.perf_counter()
    start.wait()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - began
    if failures:
        raise RuntimeError(f"a benchmark client failed: {failures[0]}") from failures[0]
    if into is not None:
        into.wall += wall
        into.cpu += server.cpu_seconds() - server_cpu
        into.client_cpu += time.process_time() - client_cpu
        into.latencies_ns.extend(value for share in latencies for value in share)


def _in_process(engine: Engine, texts: Sequence[str], into: Contender | None) -> None:
    clock = time.perf_counter_ns
    latencies = []
    cpu, began = time.process_time(), time.perf_counter()
    for text in texts:
        started = clock()
        engine.evaluate(text).to_json()
        latencies.append(clock() - started)
    if into is not None:
        into.wall += time.perf_counter() - began
        into.cpu += time.process_time() - cpu
        into.latencies_ns.extend(latencies)


_HEADERS = {"content-type": "application/json"}
