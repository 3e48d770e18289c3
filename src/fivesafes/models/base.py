"""The shared base of every model that mirrors a TOML file.

Keys in the files are kebab-case (``start-date``); Python attributes are snake_case. Models are
frozen (a loaded request is a value, not a workspace) and forbid unknown keys so a typo is a
finding, never silently ignored.
"""

from __future__ import annotations

import tomllib
from typing import Self

from pydantic import BaseModel, ConfigDict


def to_kebab(name: str) -> str:
    """Python attribute name -> TOML key."""
    return name.replace("_", "-")


class TomlModel(BaseModel):
    """Frozen, strict, kebab-case model of one TOML table."""

    model_config = ConfigDict(
        frozen=True,
        extra="forbid",
        alias_generator=to_kebab,
        populate_by_name=True,
        str_strip_whitespace=False,
    )

    @classmethod
    def from_toml(cls, data: str | bytes) -> Self:
        """The model of a file's TOML text (bytes are UTF-8). Raises what reading it raises:
        ``UnicodeDecodeError``, ``tomllib.TOMLDecodeError`` or pydantic's ``ValidationError``."""
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        return cls.model_validate(tomllib.loads(text))
