"""The policy's rules for outputs: the disclosure checks they pass, where releases go.

``[disclosure]`` holds the thresholds of the built-in statistical disclosure control checks
and the media types and size outputs may have; ``[publication]`` the release targets, the
licence, and whether results may be attached to a GitHub Release.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from fivesafes.models.base import TomlModel

Target = Literal["directory", "github-release"]
DEFAULT_ALLOWED_TYPES = (
    "text/csv",
    "application/json",
    "text/plain",
    "text/markdown",
    "image/png",
    "application/pdf",
    "application/vnd.apache.parquet",
)


class Disclosure(TomlModel):
    """Built-in disclosure checks run on the outputs before checkers decide."""

    min_cell_count: int = Field(default=10, ge=1)
    # Statistical disclosure control thresholds: the defaults are ACRO's.
    zeros_disclosive: bool = Field(
        default=True, description="A zero count is disclosive unless marked structural.")
    nk_n: int = Field(default=2, ge=1, description="NK rule: the n largest contributors...")
    nk_k: float = Field(default=0.9, gt=0, le=1, description="...may hold at most k of a total.")
    p_ratio: float = Field(default=0.1, gt=0, le=1, description="p% rule threshold.")
    min_residual_dof: int = Field(default=10, ge=1,
                                  description="Minimum residual degrees of freedom of a model.")
    rounding_base: int = Field(default=0, ge=0,
                               description="Counts must be multiples of this (0: no rounding).")
    max_file_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    allowed_types: list[str] = Field(
        default_factory=lambda: list(DEFAULT_ALLOWED_TYPES),
        description="Media types outputs may have.",
    )


def _directory_only() -> list[Target]:
    return ["directory"]


class Publication(TomlModel):
    """Where approved releases go, under which licence."""

    targets: list[Target] = Field(default_factory=_directory_only)
    directory: str | None = Field(default=None, description="directory target: the folder.")
    license: str = Field(description="SPDX licence URL, e.g. https://spdx.org/licenses/CC-BY-4.0")
    releasable_results: bool = Field(
        default=False,
        description="true: outputs are aggregate results that may be attached to a GitHub "
        "Release; false (safe default): data goes to the TRE destination only.",
    )
