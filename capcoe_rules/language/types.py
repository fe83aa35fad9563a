"""The types of the expression language, and the schema of names a rule may read."""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cache
from typing import Any, Literal, Union

from pydantic import BaseModel

from capcoe_rules.models.money import MoneyTag

BaseName = Literal["number", "money", "text", "bool", "date", "datetime", "list", "null"]


@dataclass(frozen=True, slots=True)
class Type:
    """A value type. ``values`` closes a text type to a known set (an enumeration)."""

    base: BaseName
    item: Type | None = None
    values: frozenset[str] | None = None
    nullable: bool = False

    def __str__(self) -> str:
        text = f"list[{self.item}]" if self.base == "list" else self.base
        return f"{text} or null" if self.nullable else text

    def same_kind(self, other: Type) -> bool:
        if self.base != other.base:
            return False
        if self.base == "list":
            assert self.item is not None and other.item is not None
            return self.item.same_kind(other.item)
        return True

    def plain(self) -> Type:
        return replace(self, values=None, nullable=False)


NUMBER = Type("number")
MONEY = Type("money")
TEXT = Type("text")
BOOL = Type("bool")
DATE = Type("date")
DATETIME = Type("datetime")
NULL = Type("null")

TYPE_NAMES: dict[str, Type] = {
    "number": NUMBER,
    "money": MONEY,
    "text": TEXT,
    "bool": BOOL,
    "date": DATE,
    "datetime": DATETIME,
    "list[text]": Type("list", item=TEXT),
    "list[number]": Type("list", item=NUMBER),
}

Schema = dict[str, "Type | Schema"]
"""A tree of names: each leaf is the type of a field, each branch a nested namespace."""


@cache
def schema_of(model: type[BaseModel]) -> Schema:
    """The names a rule may read from a case model, fields and computed fields alike."""
    schema: Schema = {}
    for name, info in model.model_fields.items():
        schema[name] = _from_annotation(info.annotation, info.metadata)
    for name, computed in model.model_computed_fields.items():
        schema[name] = _from_annotation(computed.return_type, [])
    return schema


def _from_annotation(annotation: Any, metadata: list[Any]) -> Type | Schema:
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        inner, *extra = typing.get_args(annotation)
        return _from_annotation(inner, [*metadata, *extra])
    if origin in (Union, types.UnionType):
        members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"unsupported union {annotation!r}")
        found = _from_annotation(members[0], metadata)
        if not isinstance(found, Type):
            raise TypeError("an optional nested model cannot be read by rules")
        return replace(found, nullable=True)
    if origin is Literal:
        return Type("text", values=frozenset(str(value) for value in typing.get_args(annotation)))
    if origin is list:
        (item,) = typing.get_args(annotation)
        item_type = _from_annotation(item, [])
        if not isinstance(item_type, Type):
            raise TypeError("lists of models cannot be read by rules")
        return Type("list", item=item_type.plain())
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return schema_of(annotation)
    return _scalar(annotation, metadata)


def _scalar(annotation: Any, metadata: list[Any]) -> Type:
    if annotation is bool:
        return BOOL
    if annotation is int:
        return NUMBER
    if annotation is Decimal:
        return MONEY if any(isinstance(item, MoneyTag) for item in metadata) else NUMBER
    if annotation is str:
        return TEXT
    if annotation is dt.datetime:
        return DATETIME
    if annotation is dt.date:
        return DATE
    if isinstance(annotation, type) and annotation.__name__ == "AwareDatetime":
        return DATETIME
    raise TypeError(f"unsupported field type {annotation!r}")
