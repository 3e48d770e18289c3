"""The bundled demo analysis: patient counts by region and sex.

It stands in for a researcher's workflow in `fivesafes demo` and the template's policy, run by
the `local` executor as ``python -m fivesafes.demo_analysis --source S --inputs I --outputs O``.
It reads only the source, writes only into the outputs folder, and produces an aggregate table
in which one cell is under the disclosure threshold, on purpose, so output checking has
something real to look at, a summary with the total, and analysis notes naming the analyst's
e-mail address (an identifier, so a checker withholds them).

When output checkers asked for changes to the table (the revise loop: the TRE hands the
request back as ``$FIVESAFES_DISCLOSURE_FEEDBACK``), the same signed-off code suppresses every
count under the TRE's minimum cell count, and a second cell in the same group (secondary
suppression), so the summary's total minus the visible cells gives no suppressed count back.

``--source`` is a SQLite file path, or ``env:NAME`` to read a database URL from the environment
(the executor never puts a URL, which may hold a password, on a command line).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from pathlib import Path

import sqlalchemy as sa

GROUPABLE = ("region", "sex")


def _engine(source: str) -> sa.Engine:
    if source.startswith("env:"):
        name = source[len("env:"):]
        url = os.environ.get(name)
        if not url:
            raise SystemExit(f"demo_analysis: environment variable {name} is not set")
        return sa.create_engine(url)
    path = Path(source).resolve()
    if not path.is_file():
        raise SystemExit(f"demo_analysis: no SQLite source at {source}")
    return sa.create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")


def _inputs(path: Path) -> tuple[int, str]:
    data = json.loads(path.read_text(encoding="utf-8"))
    min_birth_year = int(data.get("min_birth_year", 1900))
    group_by = str(data.get("group_by", "region"))
    if group_by not in GROUPABLE:
        raise SystemExit(f"demo_analysis: group_by must be one of {', '.join(GROUPABLE)}")
    return min_birth_year, group_by


def counts(source: str, min_birth_year: int, group_by: str) -> list[tuple[str, str, int]]:
    """(group, sex, count) rows, sorted; ``group_by`` is checked against a fixed list."""
    patients = sa.table("patients", sa.column("birth_year"), sa.column("sex"), sa.column(group_by))
    group = patients.c[group_by]
    query = (
        sa.select(group, patients.c.sex, sa.func.count())
        .where(patients.c.birth_year >= min_birth_year)
        .group_by(group, patients.c.sex)
        .order_by(group, patients.c.sex)
    )
    engine = _engine(source)
    try:
        with engine.connect() as connection:
            return [(str(g), str(s), int(n)) for g, s, n in connection.execute(query)]
    finally:
        engine.dispose()


def suppressed(rows: list[tuple[str, str, int]], threshold: int) -> list[tuple[str, str, str]]:
    """Cells under ``threshold`` as ``*``, plus the smallest other cell of each such group."""
    hide = {i for i, (_, _, n) in enumerate(rows) if n < threshold}
    for i in sorted(hide):
        group = [j for j, row in enumerate(rows) if row[0] == rows[i][0] and j != i]
        if group and not any(j in hide for j in group):
            hide.add(min(group, key=lambda j: rows[j][2]))
    return [(g, s, "*" if i in hide else str(n)) for i, (g, s, n) in enumerate(rows)]


def feedback() -> dict[str, object]:
    """What output checkers asked of the previous attempt, if this run revises it."""
    path = os.environ.get("FIVESAFES_DISCLOSURE_FEEDBACK")
    if not path:
        return {}
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def write_outputs(outputs: Path, rows: list[tuple[str, str, int]], group_by: str,
                  min_birth_year: int, asked: dict[str, object] | None = None) -> None:
    outputs.mkdir(parents=True, exist_ok=True)
    table = f"counts_by_{group_by}.csv"
    cells: list[tuple[str, str, str]] = [(g, s, str(n)) for g, s, n in rows]
    changes = (asked or {}).get("changes-requested")
    if isinstance(changes, dict) and table in changes:
        cells = suppressed(rows, int(str((asked or {}).get("min-cell-count", 10))))
    with (outputs / table).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([group_by, "sex", "count"])
        writer.writerows(cells)
    (outputs / "notes.txt").write_text(
        f"Counts of patients born in {min_birth_year} or later, by {group_by} and sex.\n"
        "Questions about this analysis: alex.researcher@example.org\n", encoding="utf-8")
    summary = {
        "analysis": "counts by region and sex",
        "min_birth_year": min_birth_year,
        "group_by": group_by,
        "groups": len(rows),
        "patients": sum(n for _, _, n in rows),
    }
    (outputs / "summary.json").write_text(
        json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fivesafes.demo_analysis", description=__doc__)
    parser.add_argument("--source", required=True)
    parser.add_argument("--inputs", required=True, type=Path)
    parser.add_argument("--outputs", required=True, type=Path)
    args = parser.parse_args(argv)
    min_birth_year, group_by = _inputs(args.inputs)
    rows = counts(args.source, min_birth_year, group_by)
    write_outputs(args.outputs, rows, group_by, min_birth_year, feedback())
    print(f"demo_analysis: wrote {len(rows)} groups", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
