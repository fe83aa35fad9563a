"""YAML loading that keeps the source position of every mapping key and value.

Policy staff must be told the exact line and column of a mistake, so a rule file is read
as a stream of YAML events and turned into plain Python data alongside a map from each
value's path (a tuple of keys and list indices) to its position.

The events come from libyaml when PyYAML has it (a hundred times faster than the Python
parser); when libyaml refuses a text, the Python parser reads it again so that the
message and position are the ones PyYAML users know. Nothing is built recursively, so
no nesting, however deep, can exhaust the stack; and what a hostile file could use to
hang or exhaust the loader is refused with its position (see :data:`MAX_BYTES`,
:data:`MAX_DEPTH`; aliases, tags other than YAML's own plain types, complex keys).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, NoReturn

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import Resolver

from capcoe_rules.errors import Code, Text
from capcoe_rules.language.limits import MAX_BYTES
from capcoe_rules.language.mistakes import yaml_syntax
from capcoe_rules.language.problems import Position, Problem

Path = tuple[str | int, ...]

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists (a rule file needs about 6 levels)."""

_FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CORE = "tag:yaml.org,2002:"
_SCALAR_KINDS = {
    f"{_CORE}str": "text",
    f"{_CORE}int": "whole number",
    f"{_CORE}float": "number",
    f"{_CORE}bool": "true/false",
    f"{_CORE}null": "null",
    f"{_CORE}timestamp": "date",
}
_COLLECTION_TAGS = {f"{_CORE}seq", f"{_CORE}map"}
_MERGE = f"{_CORE}merge"


@dataclass
class SourceMap:
    """Positions of the values (and of the keys) of one YAML document."""

    file: str
    values: dict[Path, Position] = field(default_factory=dict)
    keys: dict[Path, Position] = field(default_factory=dict)
    # Scalar styles ('"', "'", "|", ">" or None for plain), to place expression columns.
    styles: dict[Path, str | None] = field(default_factory=dict)

    def value(self, path: Path) -> Position:
        """Position of the value at ``path``, or of its nearest enclosing value."""
        for end in range(len(path), -1, -1):
            found = self.values.get(path[:end])
            if found is not None:
                return found
        return Position(1, 1)

    def key(self, path: Path) -> Position:
        return self.keys.get(path) or self.value(path)


@dataclass
class YamlDocument:
    data: Any
    source: SourceMap
    text: str


@dataclass(frozen=True, slots=True)
class YamlIssue:
    """Something wrong in a YAML text: where (its path in the data, when known, and its
    position), a problem code (see :data:`~capcoe_rules.language.problems.CODES`), why."""

    path: Path
    position: Position
    code: str
    text: Text
    hint: Text | None = None

    @property
    def message(self) -> str:
        return self.text.en


class _RefusedError(Exception):
    """The text cannot be read any further."""

    def __init__(self, issue: YamlIssue) -> None:
        super().__init__(issue.text.en)
        self.issue = issue


def load_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse one YAML document; on failure return the problem with its position."""
    document, issues = read_yaml(text, file)
    problems = [
        Problem.of(file, issue.position, issue.code, issue.text, issue.hint) for issue in issues
    ]
    return document, problems


def read_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[YamlIssue]]:
    """Parse one YAML document into data and positions.

    A text that cannot be read (syntax, size, nesting, an alias) gives no document and
    one issue; values that cannot be read (a date such as 2024-02-30, a tag) give an
    issue each and are read as null, so that every such mistake is reported at once.
    """
    try:
        size, fast = len(text.encode("utf-8")), _FAST_LOADER is not yaml.SafeLoader
    except UnicodeEncodeError:  # a lone surrogate: libyaml, which reads UTF-8, cannot take it
        size, fast = len(text.encode("utf-8", "surrogatepass")), False
    if size > MAX_BYTES:
        message = Text(
            f"the file holds {size:,} bytes; a YAML file may hold at most {MAX_BYTES:,}",
            f"il file contiene {size:,} byte; un file YAML può contenerne al massimo "
            f"{MAX_BYTES:,}".replace(",", "."),
        )
        hint = Text("split it into several files", "dividilo in più file")
        return None, [YamlIssue((), Position(1, 1), Code.FILE_TOO_LARGE, message, hint)]
    if fast:
        try:
            return _read(text, file, _FAST_LOADER)
        except yaml.YAMLError:
            pass  # read again below, for the message
        except _RefusedError as refused:
            return None, [refused.issue]
    try:  # the Python parser's messages and positions are the ones PyYAML users know
        return _read(text, file, yaml.SafeLoader)
    except yaml.YAMLError as error:
        return None, [_syntax_issue(error, text)]
    except _RefusedError as refused:
        return None, [refused.issue]


def _read(
    text: str, file: str, loader: type[yaml.SafeLoader]
) -> tuple[YamlDocument, list[YamlIssue]]:
    source = SourceMap(file)
    builder = _Builder(source)
    data = builder.build(yaml.parse(text, Loader=loader))
    return YamlDocument({} if data is _EMPTY else data, source, text), builder.issues


def _syntax_issue(error: yaml.YAMLError, text: str) -> YamlIssue:
    if isinstance(error, yaml.MarkedYAMLError):
        mark = error.problem_mark or error.context_mark
        position = Position(mark.line + 1, mark.column + 1) if mark else Position(1, 1)
        reason = error.problem or error.context or ""
        lines = text.splitlines()
        line_text = lines[position.line - 1] if position.line <= len(lines) else ""
        plain, hint = yaml_syntax(reason, line_text)
        return YamlIssue((), position, Code.YAML_SYNTAX, plain, hint)
    if isinstance(error, yaml.reader.ReaderError):
        character = error.character
        shown = f"U+{character:04X}" if isinstance(character, int) else repr(character)
        message = Text(
            f"the character {shown} cannot appear in a YAML file",
            f"il carattere {shown} non può comparire in un file YAML",
        )
        hint = Text("delete it, or write it as an ordinary character", "cancellalo")
        return YamlIssue(
            (), _position_of_index(text, error.position), Code.YAML_SYNTAX, message, hint
        )
    message = Text("YAML cannot read the file", "YAML non riesce a leggere il file")
    return YamlIssue((), Position(1, 1), Code.YAML_SYNTAX, message)


def _position_of_index(text: str, index: int) -> Position:
    before = text[:index]
    return Position(before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1)


_EMPTY = object()


@dataclass
class _Frame:
    """A mapping or list being filled; for a mapping, the key whose value comes next."""

    container: dict[str, Any] | list[Any]
    path: Path
    key: str | None = None


class _Builder:
    """Turns YAML events into data and a :class:`SourceMap`, with an explicit stack."""

    def __init__(self, source: SourceMap) -> None:
        self.source = source
        self.issues: list[YamlIssue] = []
        self._constructor = SafeConstructor()
        self._resolver = Resolver()

    def build(self, events: Iterable[yaml.Event]) -> Any:
        root: Any = _EMPTY
        stack: list[_Frame] = []
        documents = 0
        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    self._refuse(
                        event,
                        (),
                        Code.YAML_SYNTAX,
                        Text(
                            "a YAML file holds one document (no '---')",
                            "un file YAML contiene un solo documento (niente '---')",
                        ),
                        Text("remove the '---' line", "togli la riga '---'"),
                    )
            elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                stack.pop()
            elif isinstance(event, yaml.AliasEvent):
                self._refuse(
                    event,
                    (),
                    Code.YAML_FEATURE,
                    Text(
                        f"the alias *{event.anchor} is not allowed (anchors and aliases are "
                        "refused, so that no file can expand beyond its size)",
                        f"il rimando *{event.anchor} non è ammesso (ancore e rimandi sono "
                        "rifiutati, perché nessun file si espanda oltre la sua dimensione)",
                    ),
                    Text(
                        "write the value out where it is needed",
                        "scrivi il valore per esteso dove serve",
                    ),
                )
            elif isinstance(event, yaml.NodeEvent):
                frame = stack[-1] if stack else None
                if isinstance(frame, _Frame) and isinstance(frame.container, dict):
                    if frame.key is None:
                        frame.key = self._key(event, frame)
                        continue
                    path: Path = (*frame.path, frame.key)
                else:
                    path = () if frame is None else (*frame.path, len(frame.container))
                value = self._node(event, path, len(stack))
                if frame is None:
                    root = value
                elif isinstance(frame.container, dict):
                    assert frame.key is not None
                    frame.container[frame.key] = value
                    frame.key = None
                else:
                    frame.container.append(value)
                if isinstance(event, yaml.CollectionStartEvent):
                    stack.append(_Frame(value, path))
        return root

    def _key(self, event: yaml.NodeEvent, frame: _Frame) -> str:
        if not isinstance(event, yaml.ScalarEvent):
            self._refuse(
                event,
                frame.path,
                Code.YAML_FEATURE,
                Text(
                    "a key must be plain text, not a list or mapping",
                    "una chiave deve essere un testo, non una lista o un elenco di chiavi",
                ),
            )
        known = len(self.issues)
        value = self._scalar(event, frame.path, is_key=True)
        key = str(value) if len(self.issues) == known else event.value
        container = frame.container
        assert isinstance(container, dict)
        where = _position(event)
        if key in container:
            self.issues.append(
                YamlIssue(
                    frame.path,
                    where,
                    Code.DUPLICATE_YAML_KEY,
                    Text(f"duplicate key {key!r}", f"chiave {key!r} ripetuta"),
                    Text("keep one of the two", "tienine una sola"),
                )
            )
        self.source.keys[(*frame.path, key)] = where
        return key

    def _node(self, event: yaml.NodeEvent, path: Path, depth: int) -> Any:
        self.source.values[path] = _position(event)
        if isinstance(event, yaml.ScalarEvent):
            self.source.styles[path] = event.style or None  # libyaml says "" for plain
            return self._scalar(event, path)
        assert isinstance(event, yaml.CollectionStartEvent)
        if depth >= MAX_DEPTH:
            self._refuse(
                event,
                path,
                Code.FILE_TOO_LARGE,
                Text(
                    f"nested more than {MAX_DEPTH} levels deep",
                    f"annidato per più di {MAX_DEPTH} livelli",
                ),
            )
        if event.tag not in (None, "!") and event.tag not in _COLLECTION_TAGS:
            self._tag_issue(event, path)
        return {} if isinstance(event, yaml.MappingStartEvent) else []

    def _scalar(self, event: yaml.ScalarEvent, path: Path, is_key: bool = False) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self._resolver.resolve(  # type: ignore[no-untyped-call]
                yaml.ScalarNode, event.value, event.implicit
            )
        if tag == _MERGE:  # a plain << : a merge key, or the text "<<" as a value
            if is_key:
                self._issue(
                    event,
                    path,
                    Code.YAML_FEATURE,
                    Text("the merge key << is not allowed", "la chiave di unione << non è ammessa"),
                    Text("write the keys out", "scrivi le chiavi per esteso"),
                )
            return event.value
        kind = _SCALAR_KINDS.get(tag)
        if kind is None:
            self._tag_issue(event, path)
            return None
        node = yaml.ScalarNode(tag, event.value, None, None, event.style)
        try:
            return self._constructor.yaml_constructors[tag](self._constructor, node)
        # ValueError: 2024-02-30, a number of 5,000 digits; the others: an explicit tag on
        # text it does not fit (!!bool maybe, !!timestamp soon).
        except (ValueError, OverflowError, KeyError, AttributeError, ConstructorError) as error:
            self._issue(event, path, Code.INVALID_VALUE, _unreadable(event.value, kind, error))
            return None

    def _tag_issue(self, event: yaml.NodeEvent, path: Path) -> None:
        tag = str(getattr(event, "tag", ""))
        self._issue(
            event,
            path,
            Code.YAML_FEATURE,
            Text(
                f"the tag {tag.replace(_CORE, '!!')} is not allowed: YAML here holds plain "
                "text, numbers, dates, true/false, null, lists and mappings",
                f"l'etichetta {tag.replace(_CORE, '!!')} non è ammessa: qui YAML contiene solo "
                "testi, numeri, date, true/false, null, liste ed elenchi di chiavi",
            ),
            Text("remove it, or quote the text", "toglila, o metti il testo tra virgolette"),
        )

    def _issue(
        self, event: yaml.Event, path: Path, code: str, message: Text, hint: Text | None = None
    ) -> None:
        self.issues.append(YamlIssue(path, _position(event), code, message, hint))

    def _refuse(
        self, event: yaml.Event, path: Path, code: str, message: Text, hint: Text | None = None
    ) -> NoReturn:
        raise _RefusedError(YamlIssue(path, _position(event), code, message, hint))


KINDS_IT = {
    "text": "testo",
    "whole number": "numero intero",
    "number": "numero",
    "true/false": "valore true/false",
    "null": "null",
    "date": "data",
}


def _unreadable(text: str, kind: str, error: Exception) -> Text:
    shown = repr(text if len(text) <= 40 else text[:40] + "...")
    if kind == "whole number" and len(text) > 4000:
        return Text(
            f"{shown} is too long a number ({len(text):,} characters)",
            f"{shown} è un numero troppo lungo ({len(text):,} caratteri)".replace(",", "."),
        )
    if kind == "date":
        return Text(
            f"{shown} is not a date that exists (year-month-day; {error})",
            f"{shown} non è una data che esiste (anno-mese-giorno)",
        )
    return Text(
        f"{shown} is not a valid {kind}", f"{shown} non è un {KINDS_IT.get(kind, kind)} valido"
    )


def _position(event: yaml.Event) -> Position:
    mark = event.start_mark
    return Position(1, 1) if mark is None else Position(mark.line + 1, mark.column + 1)
