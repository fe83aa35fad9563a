"""Workers read their own lines of a batch's input: the ranges the parent cuts, what a
worker reads of them, and which inputs are shared this way at all."""

from __future__ import annotations

import errno
import io
import os
import subprocess
import sys
from itertools import accumulate
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from capcoe_rules.batch.ranges import LineRange, SharedSource, line_ranges, shared_source
from capcoe_rules.batch.reading import Record, bounded_lines, read_records
from capcoe_rules.jsontext import MAX_JSON_BYTES

# Lines as a batch meets them: JSON-ish text, blank lines, whitespace, a "\r\n" end, bytes
# that are not UTF-8; joined with "\n", with or without one at the end.
LINE = st.one_of(
    st.just(b""),
    st.just(b"  \t"),
    st.binary(max_size=12).map(lambda raw: raw.replace(b"\n", b"")),
    st.sampled_from([b'{"id": "A"}', b'{"id": "B"}\r', b"\xff\xfe"]),
)
CONTENT = st.tuples(st.lists(LINE, max_size=40), st.booleans()).map(
    lambda drawn: b"\n".join(drawn[0]) + (b"\n" if drawn[1] and drawn[0] else b"")
)


def expected_ranges(content: bytes, lines_per_range: int) -> list[LineRange]:
    """The ranges as their definition gives them, from the file split once."""
    pieces = content.split(b"\n")  # on "\n" only: a "\r" is data
    lines = [piece + b"\n" for piece in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    starts = list(accumulate((len(line) for line in lines), initial=0))
    return [
        LineRange(starts[index], index + 1, len(lines[index : index + lines_per_range]))
        for index in range(0, len(lines), lines_per_range)
    ]


def records_of_whole(path: Path) -> list[Record]:
    """What one process reads of the file: the reference for what workers read."""
    with path.open("rb") as handle:
        return list(read_records(bounded_lines(handle)))


@given(
    content=CONTENT,
    lines_per_range=st.integers(1, 7),
    block_size=st.integers(1, 9),
)
def test_ranges_cover_every_line_once_in_order_whatever_the_blocks(
    content: bytes, lines_per_range: int, block_size: int
) -> None:
    ranges = list(line_ranges(io.BytesIO(content), lines_per_range, block_size))
    assert ranges == expected_ranges(content, lines_per_range)


@given(content=CONTENT, lines_per_range=st.integers(1, 7))
def test_the_records_of_every_range_are_those_one_process_reads(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, lines_per_range: int
) -> None:
    path = tmp_path_factory.mktemp("ranges") / "cases.jsonl"
    path.write_bytes(content)
    with path.open("rb") as handle:
        shared = shared_source(path, handle)
        assert shared is not None
        ranges = list(line_ranges(handle, lines_per_range, block_size=5))
    read = [record for lines in ranges for record in shared.read(lines)]
    assert read == records_of_whole(path)


def test_a_line_too_long_is_cut_as_one_process_cuts_it_and_the_next_range_starts_right(
    tmp_path: Path,
) -> None:
    too_long = b"x" * (MAX_JSON_BYTES + 10)
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b'{"id": 1}\n' + too_long + b'\n{"id": 3}\n\n{"id": 5}')
    with path.open("rb") as handle:
        shared = shared_source(path, handle)
        assert shared is not None
        ranges = list(line_ranges(handle, 2))
    assert [(lines.first_line, lines.lines) for lines in ranges] == [(1, 2), (3, 2), (5, 1)]
    assert ranges[1].offset == len(b'{"id": 1}\n') + len(too_long) + 1
    read = [record for lines in ranges for record in shared.read(lines)]
    assert read == records_of_whole(path)
    assert [record.line for record in read] == [1, 2, 3, 5]
    assert len(read[1].text) == MAX_JSON_BYTES + 2  # cut one past the limit: refused later


def test_an_empty_file_has_no_ranges() -> None:
    assert list(line_ranges(io.BytesIO(b""), 3)) == []


def test_a_regular_file_is_shared_by_its_resolved_name(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"{}\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(path)
    with link.open("rb") as handle:
        shared = shared_source(link, handle)
    status = path.stat()
    assert shared == SharedSource(str(path.resolve()), status.st_dev, status.st_ino)


def test_a_pipe_is_not_shared(tmp_path: Path) -> None:
    reading, writing = os.pipe()
    os.close(writing)
    with os.fdopen(reading, "rb") as handle:
        assert shared_source(tmp_path / "whatever", handle) is None


def test_a_named_pipe_is_not_shared(tmp_path: Path) -> None:
    """A FIFO has a name that opens it again, and the same inode: only its kind says
    that workers opening it would take lines from the parent's stream."""
    fifo = tmp_path / "cases.fifo"
    os.mkfifo(fifo)
    reading = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # no writer needed to open
    with os.fdopen(reading, "rb") as handle:
        assert shared_source(fifo, handle) is None


def test_a_name_that_now_names_another_file_is_not_shared(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b"{}\n")
    with path.open("rb") as handle:
        (tmp_path / "other.jsonl").write_bytes(b"{}\n")
        (tmp_path / "other.jsonl").replace(path)
        assert shared_source(path, handle) is None
        path.unlink()
        assert shared_source(path, handle) is None


def test_a_worker_refuses_to_read_a_file_that_replaced_the_input(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_bytes(b'{"id": 1}\n')
    with path.open("rb") as handle:
        shared = shared_source(path, handle)
    assert shared is not None
    assert shared.read(LineRange(0, 1, 1)) == [Record(1, b'{"id": 1}\n')]
    (tmp_path / "other.jsonl").write_bytes(b'{"id": 2}\n')
    (tmp_path / "other.jsonl").replace(path)
    with pytest.raises(OSError, match=r"cases\.jsonl") as raised:
        shared.read(LineRange(0, 1, 1))
    assert raised.value.errno == errno.ESTALE


def test_the_worker_module_imports_only_the_standard_library() -> None:
    """A new worker imports it before reading its state; were the engine imported on the
    way, the parent would wait on each worker's imports before starting the next."""
    probe = (
        "import sys, capcoe_rules.batch.worker\n"
        "ours = sorted(m for m in sys.modules if m.startswith('capcoe_rules'))\n"
        "others = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'pydantic', 'durable', 'rich', 'typer', 'yaml'})\n"
        "print(ours, others)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    expected = [
        "capcoe_rules",
        "capcoe_rules.batch",
        "capcoe_rules.batch.worker",
        "capcoe_rules.lazy",
    ]
    assert done.stdout.strip() == f"{expected} []"
