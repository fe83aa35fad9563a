from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Text(BaseModel):
    """A text in Italian and, where written, in English."""

    model_config = ConfigDict(frozen=True)

    it: str
    en: str | None = None

    def pick(self, language: str) -> str:
        return (self.en or self.it) if language == "en" else self.it
