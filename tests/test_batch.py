"""``capcoe-rules batch``: the error file, the atomic write, the order, the workers."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

import pytest
from typer.testing import CliRunner

from capcoe_rules import Engine, atomic
from capcoe_rules.batch import atomic_writer, errors_path_for, run_batch
from capcoe_rules.batch.summary import Summary, tally_key
from capcoe_rules.cli import app
from capcoe_rules.errors import os_reason
from capcoe_rules.jsontext import MAX_JSON_BYTES
from capcoe_rules.models.compact import CompactDecision
from capcoe_rules.models.decision import Decision
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


def compact_json(engine: Engine, case: dict[str, Any]) -> str:
    """The compact decision a batch writes for ``case`` (the default; --explain: full)."""
    decision = engine.evaluate(case)
    assert isinstance(decision, Decision)
    return CompactDecision.of(decision).to_json()


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
    errors = read_jsonl(tmp_path / "decisions.errors.jsonl")  # the name the README gives
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
    assert decided == [compact_json(engine, case) for case in good]
    assert "record non validi" in result.output


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


def test_a_clean_batch_exits_0_with_an_empty_error_file_and_a_summary(
    tmp_path: Path, engine: Engine
) -> None:
    cases = population_sample(60)
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(case) for case in cases])
    out = tmp_path / "decisions.jsonl"
    stale = errors_path_for(out)
    stale.write_text('{"line": 1, "id": "from an earlier run", "errors": []}\n', "utf-8")

    result = runner.invoke(
        app, ["--lang", "en", "batch", str(source), "-o", str(out), "--rules", str(RULES)]
    )

    assert result.exit_code == 0, result.output
    assert stale.read_text("utf-8") == ""
    decisions = read_jsonl(out)
    assert [decision["case_id"] for decision in decisions] == [case["id"] for case in cases]
    assert result.stdout.startswith("Decisions")
    # The columns say each outcome in words: "not eligible" for not_eligible.
    table = {
        label: {column.replace(" ", "_"): count for column, count in row.items()}
        for label, row in summary_rows(result.stdout).items()
    }
    expected: dict[str, dict[str, int]] = {}
    for case, decision in zip(cases, decisions, strict=True):
        category = engine.evaluate(case).lookups["region"]["category"]  # type: ignore[union-attr]
        row = expected.setdefault(category, {})
        row[decision["outcome"]] = row.get(decision["outcome"], 0) + 1
    outcomes = sorted({decision["outcome"] for decision in decisions})
    for category, counts in expected.items():
        assert table[category] == {
            **{outcome: counts.get(outcome, 0) for outcome in outcomes},
            "total": sum(counts.values()),
        }
    assert table["total"] == {
        **{outcome: sum(row.get(outcome, 0) for row in expected.values()) for outcome in outcomes},
        "total": len(cases),
    }
    assert set(table) == {*expected, "total"} and table["total"]["eligible"] > 0


def summary_rows(output: str) -> dict[str, dict[str, int]]:
    """The summary table, cell by cell: {row label: {column: count}}."""
    [head] = [line for line in output.splitlines() if line.startswith("┃")]
    header = [cell.strip() for cell in head.strip("┃").split("┃")]
    rows = {}
    for line in (line for line in output.splitlines() if line.startswith("│")):
        label, *cells = (cell.strip() for cell in line.strip("│").split("│"))
        rows[label] = {column: int(cell) for column, cell in zip(header[1:], cells, strict=True)}
    return rows


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
    evaluate = Engine.evaluate_json
    calls = 0

    def failing(self: Engine, case: Any, as_of: Any = None, *, compact: bool = False) -> Any:
        nonlocal calls
        calls += 1
        if calls == 25:
            raise RuntimeError("the engine broke down")
        return evaluate(self, case, as_of, compact=compact)

    monkeypatch.setattr(Engine, "evaluate_json", failing)
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
    evaluate = Engine.evaluate_json

    def interrupted(self: Engine, case: Any, as_of: Any = None, *, compact: bool = False) -> Any:
        nonlocal calls
        calls += 1
        if calls == 10:
            raise KeyboardInterrupt
        return evaluate(self, case, as_of, compact=compact)

    monkeypatch.setattr(Engine, "evaluate_json", interrupted)
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


def start_batch(source: Path, out: Path, workers: int) -> subprocess.Popen[bytes]:
    """``capcoe-rules batch`` in its own process group, as a terminal starts it."""
    return subprocess.Popen(
        [sys.executable, "-m", "capcoe_rules", "batch", str(source), "-o", str(out)]
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


def writing_into(pid: int, directory: Path) -> bool:
    """Whether process ``pid`` has a file open in ``directory``: its temporary output,
    which has no name there while it is written (see capcoe_rules.atomic)."""
    descriptors = Path(f"/proc/{pid}/fd")
    try:
        names = os.listdir(descriptors)
    except OSError:
        return False
    for name in names:
        with contextlib.suppress(OSError):
            if os.readlink(descriptors / name).startswith(f"{directory}{os.sep}"):
                return True
    return False


def children_of(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (workers, multiprocessing's resource tracker)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        if process.poll() is not None:
            pytest.fail(f"the batch ended before {what}: {process.communicate()[1].decode()}")
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


def signal_batch(
    process: subprocess.Popen[bytes], signum: int, *, group: bool = True
) -> tuple[str, str]:
    try:
        if group:
            os.killpg(process.pid, signum)
        else:
            os.kill(process.pid, signum)
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    return stdout.decode(), stderr.decode()


def assert_nothing_left(directory: Path) -> None:
    assert os.listdir(directory) == [], "outputs or temporary files left behind"


@pytest.mark.parametrize("workers", [1, 2])
def test_ctrl_c_on_a_running_batch_leaves_no_decisions_file(
    tmp_path: Path, national: Path, workers: int
) -> None:
    """A real SIGINT, sent as a terminal does (to the whole process group, workers too)
    while the temporary file is being written."""
    process = start_batch(national, tmp_path / "decisions.jsonl", workers)
    wait_for(lambda: writing_into(process.pid, tmp_path), "it writes", process)
    time.sleep(0.3 * workers)
    _, stderr = signal_batch(process, signal.SIGINT)
    assert process.returncode == 130, stderr  # click's exit status for an interrupted command
    assert "Traceback" not in stderr
    assert_nothing_left(tmp_path)


def test_ctrl_c_while_the_workers_start_stops_cleanly(tmp_path: Path, national: Path) -> None:
    """SIGINT as soon as the worker processes exist, while they import and rebuild the
    engine (before they can ignore it themselves): still a clean stop, not a broken pool."""
    process = start_batch(national, tmp_path / "decisions.jsonl", 2)
    wait_for(lambda: len(children_of(process.pid)) >= 3, "its workers start", process)
    _, stderr = signal_batch(process, signal.SIGINT)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "BrokenProcessPool" not in stderr
    assert_nothing_left(tmp_path)


@pytest.mark.parametrize("workers", [1, 2])
def test_sigterm_stops_a_batch_and_leaves_nothing(
    tmp_path: Path, national: Path, workers: int
) -> None:
    process = start_batch(national, tmp_path / "decisions.jsonl", workers)
    wait_for(lambda: writing_into(process.pid, tmp_path), "it writes", process)
    time.sleep(0.3 * workers)
    _, stderr = signal_batch(process, signal.SIGTERM, group=False)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "Traceback" not in stderr
    assert_nothing_left(tmp_path)


def test_killing_the_parent_outright_ends_its_workers_and_leaves_no_file(
    tmp_path: Path, national: Path
) -> None:
    """kill -9 runs no clean-up: the workers and multiprocessing's resource tracker must
    notice by themselves, and the unnamed temporary files vanish with the process."""
    process = start_batch(national, tmp_path / "decisions.jsonl", 2)
    wait_for(lambda: len(children_of(process.pid)) >= 3, "its workers start", process)
    wait_for(lambda: writing_into(process.pid, tmp_path), "it writes", process)
    children = children_of(process.pid)
    process.kill()
    process.wait(timeout=60)  # not communicate(): workers left alive would hold its pipes
    deadline = time.monotonic() + 30
    while any(alive(child) for child in children) and time.monotonic() < deadline:
        time.sleep(0.05)
    still = [child for child in children if alive(child)]
    for child in still:
        os.kill(child, signal.SIGKILL)
    process.communicate()
    assert still == [], "workers or the resource tracker outlived their parent"
    assert_nothing_left(tmp_path)


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


def test_workers_reading_their_own_lines_number_and_cut_them_as_one_process(
    tmp_path: Path,
) -> None:
    """Blank lines, a line too long, a record on the last line without its end: each
    worker reads its own chunks of the file (capcoe_rules.batch.ranges), and must find
    the same records, under the same line numbers, as one process reading them all."""
    lines = [json.dumps(case) for case in population_sample(300)]
    lines[10:10] = ["", "   "]
    lines.insert(257, "x" * (MAX_JSON_BYTES + 5))  # across the first chunk's end
    lines.insert(280, '{"id": "BROKEN"}')
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join(lines), encoding="utf-8")  # no end on the last line
    outputs = {}
    for workers in ("1", "2"):
        out = tmp_path / f"decisions-{workers}.jsonl"
        result = runner.invoke(
            app, ["batch", str(source), "-o", str(out), "-w", workers, "--rules", str(RULES)]
        )
        assert result.exit_code == 1, result.output
        outputs[workers] = (out.read_bytes(), errors_path_for(out).read_bytes())
    assert outputs["1"] == outputs["2"]
    errors = [json.loads(line) for line in outputs["2"][1].splitlines()]
    assert [error["line"] for error in errors] == [258, 281]
    assert len(outputs["2"][0].splitlines()) == 300


def test_a_file_that_takes_the_inputs_name_half_way_stops_the_batch(
    tmp_path: Path, engine: Engine
) -> None:
    """Workers open the input by its name: if another file has taken it, they must not
    decide its lines as if they were the rest of the input."""
    source = write_lines(tmp_path / "cases.jsonl", ["{}"] * 4000)  # 16 chunks, all bad
    out = tmp_path / "decisions.jsonl"

    def replace_input(_records: int) -> None:
        if source.stat().st_size:
            write_lines(tmp_path / "other.jsonl", []).replace(source)

    with pytest.raises(OSError) as raised:
        run_batch(engine, source, out, workers=2, progress=replace_input)
    assert raised.value.errno == errno.ESTALE
    assert raised.value.filename == os.path.realpath(source)
    assert os_reason(raised.value).en == "another file took its place while it was being read"
    assert not out.exists() and not errors_path_for(out).exists()


@pytest.mark.parametrize("fed_by", ["file", "pipe"])
def test_workers_decide_standard_input_fed_by_a_file_or_a_pipe(tmp_path: Path, fed_by: str) -> None:
    """``/dev/stdin`` from a file is that file, which workers open by its real name; from
    a pipe it cannot be read twice, and the parent reads it for them."""
    source = write_lines(
        tmp_path / "cases.jsonl", [json.dumps(case) for case in population_sample(300)]
    )
    expected = tmp_path / "expected.jsonl"
    assert runner.invoke(app, ["batch", str(source), "-o", str(expected)]).exit_code == 0
    out = tmp_path / "decisions.jsonl"
    command = [sys.executable, "-m", "capcoe_rules", "batch", "/dev/stdin", "-o", str(out)]
    with source.open("rb") as handle:
        if fed_by == "file":
            done = subprocess.run(
                [*command, "-w", "2"], stdin=handle, cwd=RULES.parent, capture_output=True
            )
        else:
            feeder = subprocess.Popen(["cat"], stdin=handle, stdout=subprocess.PIPE)
            done = subprocess.run(
                [*command, "-w", "2"], stdin=feeder.stdout, cwd=RULES.parent, capture_output=True
            )
            feeder.wait()
    assert done.returncode == 0, done.stderr.decode()
    assert out.read_bytes() == expected.read_bytes()


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


# -- outputs that would destroy the input, lines no batch may lose -----------------------------------


def _same_as_input(tmp_path: Path, source: Path, how: str) -> list[str]:
    """Options naming the input (or the other output) again, directly or through a link."""
    if how == "symlink":
        (tmp_path / "link.jsonl").symlink_to(source)
        return ["--out", str(tmp_path / "link.jsonl")]
    if how == "hardlink":
        os.link(source, tmp_path / "hard.jsonl")
        return ["--out", str(tmp_path / "hard.jsonl")]
    if how == "errors":
        return ["--out", str(tmp_path / "decisions.jsonl"), "--errors", str(source)]
    if how == "errors-link":
        (tmp_path / "link.jsonl").symlink_to(tmp_path / "decisions.jsonl")
        return ["--out", str(tmp_path / "decisions.jsonl"), "--errors", str(tmp_path / "link.jsonl")]
    return ["--out", str(source)]


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink", "errors", "errors-link"])
def test_an_output_that_is_the_input_is_refused_before_anything_is_written(
    tmp_path: Path, how: str
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(make_application())])
    (tmp_path / "decisions.jsonl").write_text("yesterday\n", "utf-8")
    options = _same_as_input(tmp_path, source, how)
    before = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}

    result = runner.invoke(
        app, ["--lang", "en", "batch", str(source), *options, "--rules", str(RULES)]
    )

    assert result.exit_code == 2, result.output
    assert "cannot be the --out file" in result.output or "is the input file" in result.output
    after = {name: (tmp_path / name).read_bytes() for name in os.listdir(tmp_path)}
    assert after == before


def test_an_existing_directory_as_output_is_refused_before_the_error_file_is_written(
    tmp_path: Path,
) -> None:
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(make_application())])
    (tmp_path / "decisions.jsonl").mkdir()
    arguments = ["batch", str(source), "-o", str(tmp_path / "decisions.jsonl")]
    result = runner.invoke(app, [*arguments, "--rules", str(RULES)])
    assert result.exit_code == 2
    assert result.output == f"capcoe-rules: --out {tmp_path / 'decisions.jsonl'} è una cartella\n"
    english = runner.invoke(app, ["--lang", "en", *arguments, "--rules", str(RULES)])
    assert english.output == f"capcoe-rules: --out {tmp_path / 'decisions.jsonl'} is a directory\n"
    assert sorted(os.listdir(tmp_path)) == ["cases.jsonl", "decisions.jsonl"]


@pytest.mark.parametrize("workers", [1, 2])
def test_a_line_with_a_lone_surrogate_or_deep_nesting_loses_no_other_decision(
    tmp_path: Path, engine: Engine, workers: int
) -> None:
    good = population_sample(6)
    lines = [json.dumps(case) for case in good[:2]]
    lines.append(json.dumps(make_application(id="\ud800")))  # line 3: written as \ud800
    lines.append(json.dumps(good[2]))
    lines.append("[" * 100_000 + "]" * 100_000)  # line 5
    lines.append(json.dumps(make_application(id="R-1", needs_analysis__reference="\udfff")))
    lines += [json.dumps(case) for case in good[3:]]
    source = write_lines(tmp_path / "cases.jsonl", lines)
    out = tmp_path / "decisions.jsonl"

    result = runner.invoke(
        app, ["batch", str(source), "-o", str(out), "-w", str(workers), "--rules", str(RULES)]
    )

    assert result.exit_code == 1, result.output
    assert out.read_text("utf-8").splitlines() == [compact_json(engine, c) for c in good]
    errors = read_jsonl(tmp_path / "decisions.errors.jsonl")
    assert [(error["line"], error["id"]) for error in errors] == [
        (3, "\\ud800"),
        (5, None),
        (6, "R-1"),
    ]
    assert errors[1]["errors"] == [
        {
            "path": "",
            "message": "not valid JSON: nested too deeply",
            "code": "json_too_deep",
            "message_it": "non è JSON valido: annidato troppo in profondità",
            "hint": None,
            "hint_it": None,
        }
    ]
    assert errors[2]["errors"][0]["path"] == "needs_analysis.reference"


def test_json_lines_end_at_newline_only(tmp_path: Path) -> None:
    """U+2028, U+2029, NEL, vertical tab, form feed and the separators U+001C-U+001E are
    line breaks to str.splitlines, and data in JSON Lines."""
    names = [f"Comune{separator}di Napoli" for separator in "\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"]
    cases = [make_application(id=f"T-{n}", applicant__name=name) for n, name in enumerate(names)]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases), "utf-8")
    out = tmp_path / "decisions.jsonl"

    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "--rules", str(RULES)])

    assert result.exit_code == 0, result.output
    decisions = [json.loads(line) for line in out.open("rb")]
    assert [d["case_id"] for d in decisions] == [case["id"] for case in cases]
    assert (tmp_path / "decisions.errors.jsonl").read_text("utf-8") == ""


def test_a_formula_that_fails_on_a_case_is_a_bad_record_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    """An EvaluationError is that record's problem only. The checker refuses every
    division that could fail, so the one left is a number beyond what decimals hold
    (10^999999): posts squared again and again."""
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    squares = [
        "  - id: PROVA-QUADRATO-0\n"
        "    title: {it: Posti al quadrato}\n"
        "    basis: prova\n"
        "    provenance: assumption\n"
        "    derive: square_0\n"
        "    value: application.hires.tecnico * 1000000\n"
    ]
    for level in range(1, 21):
        squares.append(
            f"  - id: PROVA-QUADRATO-{level}\n"
            "    title: {it: Ancora al quadrato}\n"
            "    basis: prova\n"
            "    provenance: assumption\n"
            f"    derive: square_{level}\n"
            f"    value: derived.square_{level - 1} * derived.square_{level - 1}\n"
        )
    (rules / "prova.yaml").write_text("case: application\nrules:\n" + "".join(squares), "utf-8")
    cases = [
        make_application(id="A", hires__tecnico=0),
        make_application(id="HUGE", hires__tecnico=6),
        make_application(id="B", hires__tecnico=0),
    ]
    source = write_lines(tmp_path / "cases.jsonl", [json.dumps(case) for case in cases])
    for workers in ("1", "2"):
        out = tmp_path / f"decisions-{workers}.jsonl"
        result = runner.invoke(
            app, ["batch", str(source), "-o", str(out), "-w", workers, "--rules", str(rules)]
        )
        assert result.exit_code == 1, result.output
        assert [decision["case_id"] for decision in read_jsonl(out)] == ["A", "B"]
        [error] = read_jsonl(tmp_path / f"decisions-{workers}.errors.jsonl")
        assert (error["line"], error["id"]) == (2, "HUGE")
        assert "PROVA-QUADRATO-" in error["errors"][0]["message"]
        assert "cannot be computed" in error["errors"][0]["message"]
        italian = error["errors"][0]["message_it"]
        assert "non si può calcolare" in italian and "regola PROVA-QUADRATO-" in italian


# -- temporary files ------------------------------------------------------------------------------


def test_the_temporary_file_has_no_name_while_it_is_written(tmp_path: Path) -> None:
    if not atomic._UNNAMED:
        pytest.skip("this system cannot make unnamed files (O_TMPFILE)")
    target = tmp_path / "out.jsonl"
    with atomic_writer(target) as handle:
        handle.write("half")
        assert os.listdir(tmp_path) == []  # a kill -9 now leaves nothing
    assert os.listdir(tmp_path) == ["out.jsonl"]


def test_temporary_files_of_writers_killed_mid_write_go_at_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where files cannot be unnamed, a temporary file carries its writer's process id:
    the next write of the same file removes those whose process is gone."""
    monkeypatch.setattr(atomic, "_UNNAMED", False)
    target = tmp_path / "out.jsonl"
    gone = tmp_path / ".out.jsonl.999999999.abcd1234.tmp"  # above any Linux pid_max
    alive_writer = tmp_path / f".out.jsonl.{os.getpid()}.efgh5678.tmp"
    other_file = tmp_path / ".out.jsonl.extra.999999999.abcd1234.tmp"
    for path in (gone, alive_writer, other_file):
        path.write_text("half a batch", "utf-8")
    with atomic_writer(target) as handle:
        [own] = [name for name in temporary_files(tmp_path) if name not in
                 {alive_writer.name, other_file.name}]
        assert own.startswith(f".out.jsonl.{os.getpid()}.")
        handle.write("whole\n")
    assert target.read_text("utf-8") == "whole\n"
    assert temporary_files(tmp_path) == sorted([alive_writer.name, other_file.name])
