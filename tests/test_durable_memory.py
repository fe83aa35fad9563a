"""Engines built one after another give their durable_rules memory back.

``delete_ruleset`` alone leaves each used session's state behind (about 0.6 MB); the
engine frees the state first with the C ``delete_state``, safe on a ruleset with no
callbacks and every fact retracted, unlike ``Host.delete_state`` (shown here too, in a
process of its own, so that a durable_rules release that fixes it is noticed).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

BUILD_AND_DROP = textwrap.dedent(
    """
    import gc, sys
    sys.path.insert(0, {tests!r})
    from conftest import RULES, make_application
    from capcoe_rules import Engine
    from capcoe_rules.language import load_ruleset

    def resident_mb():
        return int(open("/proc/self/statm").read().split()[1]) * 4096 / 1e6

    ruleset = load_ruleset(RULES)
    cases = [make_application(), make_application(area="formazione"), make_application(
        applicant__istat_code="066049")]
    for round_ in range(2):
        for _ in range(100):
            engine = Engine(ruleset)
            for case in cases:  # handled and unhandled asserts alike
                engine.evaluate(case)
            del engine
        gc.collect()
        if round_ == 0:
            after_first = resident_mb()
    print(resident_mb() - after_first)
    """
)

NOTHING_EVER_FIRES = textwrap.dedent(
    """
    import gc, json, sys
    sys.path.insert(0, {tests!r})
    from conftest import make_application, write_ruleset
    from capcoe_rules import Engine
    import tempfile, pathlib

    rule = ("{{id: R-1, title: {{it: x}}, basis: y, provenance: source,"
            " require: application.hires.total >= 0}}")
    rules = write_ruleset(pathlib.Path(tempfile.mkdtemp()) / "rs",
                          {{"r.yaml": "case: application\\nrules:\\n  - " + rule + "\\n"}})
    for _ in range(30):
        engine = Engine.from_path(rules)
        assert engine.evaluate(make_application()).outcome == "eligible"
        del engine
        litter = [json.dumps({{"x": "y" * i}}) for i in range(300)]  # recycled heap
        gc.collect()
    print("survived")
    """
)

HOST_DELETE_STATE = textwrap.dedent(
    """
    from durable.engine import Host, MessageNotHandledException

    class Quiet(Host):
        def _run(self):
            pass

        def get_action(self, name):
            return lambda c: None

    host = Quiet()
    host.set_rulesets({"rs": {"r": {"all": [{"m": {"amount": 5}}], "run": "a"}}})
    try:
        host.assert_fact("rs", {"sid": "1", "amount": 3})
    except MessageNotHandledException:
        pass
    host.delete_state("rs", "1")
    """
)


def test_a_hundred_more_engines_cost_no_memory() -> None:
    tests = str(__import__("pathlib").Path(__file__).resolve().parent)
    done = subprocess.run(
        [sys.executable, "-c", BUILD_AND_DROP.format(tests=tests)],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    growth_mb = float(done.stdout.strip())
    # Leaking each session's state, 100 engines x 3 sessions used would add about 180 MB.
    assert growth_mb < 20, f"{growth_mb:.1f} MB more after 100 more engines"


def test_an_engine_whose_productions_never_fired_is_dropped_safely() -> None:
    # durable_rules leaves a new session's action context uninitialised; freeing a session
    # where no action ever ran freed heap garbage and killed the process (it happened in
    # this suite on a rule every case meets). Every session is primed so this cannot be.
    tests = str(__import__("pathlib").Path(__file__).resolve().parent)
    done = subprocess.run(
        [sys.executable, "-c", NOTHING_EVER_FIRES.format(tests=tests)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "survived"


def test_the_python_hosts_delete_state_still_segfaults() -> None:
    done = subprocess.run([sys.executable, "-c", HOST_DELETE_STATE], timeout=60, check=False)
    assert done.returncode == -signal.SIGSEGV
