"""The ``capcoe-rules`` command. Each command lives in its own module, registered on ``app``.

Exit status: 0 success; 1 the rule set has problems or a case failed its expectations;
2 bad input (an unreadable or invalid case file, bad options).
"""

from capcoe_rules.cli import (
    allocate,
    analyze,
    batch,
    bench,
    check,
    decide,
    diff,
    examples,
    expand,
    fmt,
    population,
    schema,
    selftest,
    serve,
)
from capcoe_rules.cli.common import app

__all__ = [
    "allocate",
    "analyze",
    "app",
    "batch",
    "bench",
    "check",
    "decide",
    "diff",
    "examples",
    "expand",
    "fmt",
    "main",
    "population",
    "schema",
    "selftest",
    "serve",
]


def main() -> None:
    app()
