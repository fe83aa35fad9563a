"""The kinds of case a rule set can judge, by the name rule files use for them."""

from __future__ import annotations

from pydantic import BaseModel

from capcoe_rules.models.application import Application

CASE_MODELS: dict[str, type[BaseModel]] = {
    "application": Application,
}

Case = Application
