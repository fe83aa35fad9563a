"""``capcoe-rules batch``: the error file, the atomic write, the order, the workers."""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from capcoe_rules import Engine
from capcoe_rules.batch import atomic_writer, errors_path_for, run_batch
from capcoe_rules.batch.summary import Summary, tally_key
from capcoe_rules.cli import app
from capcoe_rules.population import national_population
from conftest import RULES, make_application

runner = CliRunner()


def population_sample(count: int) -> list[dict[str, Any]]:
    """``count`` comuni spread over the whole country: a mix of regions, areas and mistakes."""
    population = list(national_population())
    return population[:: len(population) // count][:count]


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def temporary_files(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if name.endswith(".tmp"))


def test_bad_records_go_to_the_error_file_with_line_and_reason(
    tmp_path: Path, engine: Engine
) -> None:
    good = population_sample(20)
    lines = [json.dumps(case) for case in good[:5]]
    lines.append("{not json")  # line 6
    lines += [json.dumps(case) for case in good[5:10]]
    lines.append(json.dumps(make_application(id="BAD-ISTAT", applicant__istat_code="999999")))
    lines.append("")  # line 13: blank, skipped but counted
    lines.append(json.dumps(make_application(id="BAD-FIELDS", area="teleportation")))
    lines.append(json.dumps(make_application(id="BAD-DATE", submitted_at="2035-06-01T10:00:00Z")))
    lines += [json.dumps(case) for case in good[10:]]
    lines.append("[1, 2]")
    source = write_lines(tmp_path / "cases.jsonl", lines)
    out = tmp_path / "decisions.jsonl"

    result = runner.invoke(app, ["batch", str(source), "--out", str(out), "--rules", str(RULES)])

    assert result.exit_code == 1, result.output
    errors = read_jsonl(errors_path_for(out))
    assert [(error["line"], error["id"]) for error in errors] == [
        (6, None),
        (12, "BAD-ISTAT"),
        (14, "BAD-FIELDS"),
        (15, "BAD-DATE"),
        (26, None),
    ]
    assert "not valid JSON" in errors[0]["errors"][0]["message"]
    assert errors[1]["errors"][0]["path"] == "applicant.istat_code"
    assert "999999" in errors[1]["errors"][0]["message"]
    assert [problem["path"] for problem in errors[2]["errors"]] == ["area"]
    assert errors[3]["errors"][0]["path"] == "as_of"
    assert "outside the period" in errors[3]["errors"][0]["message"]
    assert errors[4]["errors"][0]["message"] == "a case is a mapping of fields to values"
    # Every good record is still decided, in input order, exactly as the engine decides it.
    decided = out.read_text("utf-8").splitlines()
    assert decided == [engine.evaluate(case).to_json() for case in good]
    assert "bad records" in result.output


def test_a_date_at_the_end_of_the_calendar_is_a_bad_record_not_a_crash(tmp_path: Path) -> None:
    edge = make_application(id="EDGE", submitted_at="9999-12-31T23:30:00+00:00")
    source = write_lines(
        tmp_path / "cases.jsonl", [json.dumps(edge), json.dumps(make_application())]
    )
    out = tmp_path / "decisions.jsonl"

    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--rules", str(RULES)])

    assert result.exit_code == 1, result.output
    [error] = read_jsonl(errors_path_for(out))
    assert (error["line"], error["id"]) == (1, "EDGE")
    assert error["errors"][0]["path"] == "submitted_at"
    assert [decision["case_id"] for decision in read_jsonl(out)] == ["T-0001"]


def test_a_clean_batch_exits_0_with_an_empty_error_file_and_a_summary(tmp_path: Path) -> None:
    cases = population_sample(60)
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(case) for case in cases])
    out = tmp_path / "decisions.jsonl"
    stale = errors_path_for(out)
    stale.write_text('{"line": 1, "id": "from an earlier run", "errors": []}\n', "utf-8")

    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--rules", str(RULES)])

    assert result.exit_code == 0, result.output
    assert stale.read_text("utf-8") == ""
    decisions = read_jsonl(out)
    assert [decision["case_id"] for decision in decisions] == [case["id"] for case in cases]
    for category in {decision["lookups"]["region"]["category"] for decision in decisions}:
        assert category in result.output
    eligible = sum(decision["outcome"] == "eligible" for decision in decisions)
    assert "│ total" in result.output and str(len(cases)) in result.output
    assert eligible > 0 and str(eligible) in result.output


def test_unreadable_input_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "decisions.jsonl"
    result = runner.invoke(
        app, ["batch", str(tmp_path / "missing.jsonl"), "--out", str(out), "--rules", str(RULES)]
    )
    assert result.exit_code == 2
    assert sorted(os.listdir(tmp_path)) == []


def test_a_crash_mid_batch_leaves_no_file_and_the_old_one_untouched(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = population_sample(40)
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(case) for case in cases])
    out = tmp_path / "decisions.jsonl"
    out.write_text("the decisions of yesterday\n", "utf-8")
    errors = errors_path_for(out)
    evaluate = Engine.evaluate
    calls = 0

    def failing(self: Engine, case: Any, as_of: Any = None) -> Any:
        nonlocal calls
        calls += 1
        if calls == 25:
            raise RuntimeError("the engine broke down")
        return evaluate(self, case, as_of)

    monkeypatch.setattr(Engine, "evaluate", failing)
    result = runner.invoke(app, ["batch", str(source), "--out", str(out), "--rules", str(RULES)])

    assert isinstance(result.exception, RuntimeError)
    assert calls == 25
    assert out.read_text("utf-8") == "the decisions of yesterday\n"
    assert not errors.exists()
    assert temporary_files(tmp_path) == []


def test_keyboard_interrupt_mid_batch_removes_the_temporary_files(
    tmp_path: Path, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    cases = population_sample(30)
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(case) for case in cases])
    out = tmp_path / "decisions.jsonl"
    calls = 0
    evaluate = Engine.evaluate

    def interrupted(self: Engine, case: Any, as_of: Any = None) -> Any:
        nonlocal calls
        calls += 1
        if calls == 10:
            raise KeyboardInterrupt
        return evaluate(self, case, as_of)

    monkeypatch.setattr(Engine, "evaluate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run_batch(engine, source, out)
    assert os.listdir(tmp_path) == ["cases.jsonl"]


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The national population eight times over: a batch that runs for many seconds, so
    that Ctrl-C surely lands while it writes, however fast the engine gets."""
    directory = tmp_path_factory.mktemp("national")
    once = directory / "once.jsonl"
    subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "population", "--out", str(once)],
        check=True,
        capture_output=True,
    )
    source = directory / "national.jsonl"
    source.write_text(once.read_text("utf-8") * 8, "utf-8")
    return source


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_on_a_running_batch_leaves_no_decisions_file(
    tmp_path: Path, national: Path, workers: int
) -> None:
    """A real SIGINT, sent as a terminal does (to the whole process group, workers too)
    while the temporary file is being written."""
    out = tmp_path / "decisions.jsonl"
    process = subprocess.Popen(
        [sys.executable, "-m", "capcoe_rules", "batch", str(national), "-o", str(out)]
        + ["--workers", str(workers)],
        cwd=RULES.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        # As from a terminal: a process started in the background by a non-interactive
        # shell (as CI may run the tests) inherits SIGINT ignored, and Python then keeps
        # ignoring it.
        preexec_fn=_default_sigint,
    )
    try:
        deadline = time.monotonic() + 60
        while not temporary_files(tmp_path) and process.poll() is None:
            assert time.monotonic() < deadline, "the batch never started writing"
            time.sleep(0.01)
        time.sleep(0.3 * workers)
        if process.poll() is not None:
            pytest.fail(f"the batch ended before Ctrl-C: {process.communicate()[1].decode()}")
        os.killpg(process.pid, signal.SIGINT)
        process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130  # click's exit status for an interrupted command
    assert not out.exists()
    assert not errors_path_for(out).exists()
    assert temporary_files(tmp_path) == []


def test_atomic_writer_replaces_only_on_success_and_keeps_usual_permissions(
    tmp_path: Path,
) -> None:
    target = tmp_path / "out.jsonl"
    with atomic_writer(target) as handle:
        handle.write("first\n")
    assert target.read_text("utf-8") == "first\n"
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask

    with pytest.raises(ValueError, match="half-way"), atomic_writer(target) as handle:
        handle.write("second, half")
        raise ValueError("half-way")
    assert target.read_text("utf-8") == "first\n"
    assert temporary_files(tmp_path) == []


def test_workers_give_the_same_files_as_one_process(tmp_path: Path) -> None:
    cases = population_sample(600)
    lines = [json.dumps(case) for case in cases]
    lines.insert(300, '{"id": "BROKEN"}')
    source = write_lines(tmp_path / "cases.jsonl", lines)
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"

    one = runner.invoke(app, ["batch", str(source), "-o", str(serial), "--rules", str(RULES)])
    three = runner.invoke(
        app, ["batch", str(source), "-o", str(parallel), "-w", "3", "--rules", str(RULES)]
    )

    assert one.exit_code == three.exit_code == 1
    assert serial.read_bytes() == parallel.read_bytes()
    assert len(serial.read_text("utf-8").splitlines()) == 600
    assert errors_path_for(serial).read_bytes() == errors_path_for(parallel).read_bytes()
    assert one.stdout == three.stdout  # the summary table; stderr has the timings


def test_the_summary_counts_decisions_without_a_region_under_a_dash() -> None:
    class PaymentLike:
        outcome = "payable"

    class ApplicationLike:
        outcome = "eligible"
        lookups: ClassVar = {"region": {"category": "meno_sviluppata"}}

    summary = Summary()
    for decision in (PaymentLike(), ApplicationLike(), PaymentLike(), object()):
        summary.add(tally_key(decision))
    assert summary.to_dict() == {
        "decided": 4,
        "errors": 0,
        "by_outcome": {"-": 1, "eligible": 1, "payable": 2},
        "by_category": {"meno_sviluppata": {"eligible": 1}, "-": {"-": 1, "payable": 2}},
    }


def test_ctrl_c_during_a_record_stops_the_batch_at_the_next_one() -> None:
    # pydantic-core swallows a KeyboardInterrupt raised inside its serialiser; the batch
    # therefore only notes SIGINT and raises between records, where nothing can lose it.
    from capcoe_rules.batch.interrupts import deferred_interrupts

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    reached = False
    try:
        with pytest.raises(KeyboardInterrupt), deferred_interrupts() as interrupted:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)  # the handler runs here, and raises nothing
            reached = True
            interrupted()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, previous)
    assert reached


def test_an_applications_own_sigint_handler_is_left_alone() -> None:
    from capcoe_rules.batch.interrupts import deferred_interrupts

    def own(_signum: int, _frame: object) -> None:
        return None

    previous = signal.signal(signal.SIGINT, own)
    try:
        with deferred_interrupts() as interrupted:
            assert signal.getsignal(signal.SIGINT) is own
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(0.05)
            interrupted()  # the application handled it: the batch goes on
    finally:
        signal.signal(signal.SIGINT, previous)
