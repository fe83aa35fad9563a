"""What a mutant is: one small edit of one file of the project, made and undone as text.

A mutant is described by its place and its edit (byte offsets into the original file and
the text that replaces them), so that applying it needs no parsing and the report can
show it as ``file:line:col: what changed``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mutant:
    path: str
    """The file, relative to the project root, in POSIX form."""
    line: int
    column: int
    """1-based line and column where the edit starts."""
    operator: str
    """The kind of edit, e.g. ``compare`` or ``rule number``."""
    description: str
    """The edit as a reader sees it, e.g. ``a <= b -> a < b``."""
    start: int
    end: int
    """Byte offsets of the replaced text in the original file."""
    replacement: bytes
    scope_lines: tuple[int, ...]
    """The original lines the edit touches: tests that run them are the ones to run."""

    @property
    def id(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.description}"

    def apply(self, original: bytes) -> bytes:
        return original[: self.start] + self.replacement + original[self.end :]

    def key(self, original: bytes) -> str:
        """An identity that survives edits elsewhere in the file: the file, the text of
        the mutated line and the edit (used to list equivalent mutants in the config)."""
        lines = original.split(b"\n")
        text = lines[self.line - 1].decode("utf-8").strip() if self.line <= len(lines) else ""
        return f"{self.path} | {text} | {self.description}"


def line_starts(source: bytes) -> list[int]:
    """Byte offset of the start of each line (index 0 is line 1)."""
    starts = [0]
    for index, byte in enumerate(source):
        if byte == 0x0A:
            starts.append(index + 1)
    return starts
