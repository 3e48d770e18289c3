#!/usr/bin/env python3
"""Benchmark the extract executor against the ADBC floor and dlt, on the same data, in one run.

    .venv/bin/python scripts/bench_extract.py [--rows 2000000] [--repeat 1] [--json]

A SQLite table of --rows rows and 5 columns; the request asks for 4 of the columns and one
filter (``birth_year >= 1940``) keeps 7/8 of the rows (1.75 M of 2 M). For parquet and CSV:

- ``fivesafes``: the extract executor (the built-in extract workflow's entry point);
- ``adbc``: the floor, ADBC's SQLite driver streaming Arrow batches into pyarrow's writer of
  the same file (same statement, same parameters, same batch size);
- ``dlt``: dlt's ``sql_table`` with its pyarrow backend into a local filesystem destination
  (the ``bench`` extra: ``pip install -e '.[bench]'``; left out when dlt is missing).

Each runs as its own child process; times are the best of --repeat runs and peak memory is
the child's maximum resident set size (its CPU seconds are shown too: on a busy machine they
vary less than the wall time). Targets: fivesafes at most 1.5 x adbc and at most
0.5 x dlt; peak memory under 400 MB (run with --rows 20000000 to check it at 20 M rows).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_package import measure

COLUMNS = ["person_id", "birth_year", "sex", "region"]

DATASET = """\
[dataset]
name = "cohort"
description = "The benchmark cohort."
schema = "main"
justification = "Timing the extract."

[[dataset.tables]]
name = "cohort"
columns = [{ name = "person_id" }, { name = "birth_year" }, { name = "sex" },
           { name = "region" }]

[[dataset.tables.filters]]
column = "birth_year"
op = ">="
value = 1940
"""

FLOOR = """
import sys
import adbc_driver_sqlite.dbapi as adbc
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
db, out, fmt = sys.argv[1:4]
with adbc.connect(f"file:{db}?mode=ro") as connection, connection.cursor() as cursor:
    cursor.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": "65536"})
    cursor.execute('SELECT "person_id", "birth_year", "sex", "region" FROM "cohort" '
                   'WHERE "birth_year" >= ?', (1940,))
    reader = cursor.fetch_record_batch()
    if fmt == "parquet":
        writer = pq.ParquetWriter(out, reader.schema)
    else:
        writer = pa_csv.CSVWriter(out, reader.schema,
                                  write_options=pa_csv.WriteOptions(quoting_style="needed"))
    with writer:
        for batch in reader:
            writer.write_batch(batch)
"""

DLT = """
import sys
import dlt
from dlt.sources.sql_database import sql_table
db, out, fmt = sys.argv[1:4]
table = sql_table(credentials=f"sqlite:///{db}", table="cohort", backend="pyarrow",
                  included_columns=["person_id", "birth_year", "sex", "region"],
                  query_adapter_callback=lambda query, t: query.where(t.c.birth_year >= 1940))
pipeline = dlt.pipeline(pipeline_name="bench", pipelines_dir=out + ".pipelines",
                        destination=dlt.destinations.filesystem(bucket_url="file://" + out),
                        dataset_name="cohort", progress=None)
pipeline.run(table, loader_file_format=fmt)
"""

EXTRACT = """
import sys
from fivesafes.adapters.executors.extract import main
sys.exit(main(sys.argv[1:]))
"""


def make_source(path: Path, rows: int) -> int:
    """The table, generated inside SQLite (deterministic values); the rows the filter keeps."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE cohort (person_id INTEGER PRIMARY KEY, birth_year INTEGER, "
                   "sex TEXT, region TEXT, postcode TEXT)")
        db.execute(f"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n LIMIT {rows})
            INSERT INTO cohort SELECT i, 1930 + (i * 7919) % 80,
              CASE (i * 31) % 2 WHEN 0 THEN 'F' ELSE 'M' END,
              CASE i % 7 WHEN 0 THEN 'north' WHEN 1 THEN 'south' WHEN 2 THEN 'east'
                WHEN 3 THEN 'west' WHEN 4 THEN 'midlands' WHEN 5 THEN 'wales'
                ELSE 'scotland' END,
              'AB' || (i % 100000)
            FROM n""")
        return int(db.execute("SELECT count(*) FROM cohort WHERE birth_year >= 1940"
                              ).fetchone()[0])


def make_project(root: Path, fmt: str) -> None:
    from fivesafes.adapters.files.template import render_project
    from fivesafes.core.admin.init_plan import InitOptions

    render_project(root, InitOptions(project_id="urn:uuid:0e1f0000-0000-4000-8000-00000000be01"))
    metadata = root / "resources" / "metadata"
    for old in metadata.glob("dataset_*.toml"):
        old.unlink()
    (metadata / "dataset_cohort.toml").write_text(DATASET)
    access = root / "resources" / "access" / "access.toml"
    text = access.read_text().replace('database = "synthetic_cohort.sqlite"',
                                      'database = "cohort.sqlite"')
    access.write_text(text.replace('format = "csv"', f'format = "{fmt}"'))


def have_dlt() -> bool:
    try:
        import dlt  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000_000)
    parser.add_argument("--repeat", type=int, default=1, help="runs per command (best kept)")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temp folder)")
    parser.add_argument("--no-dlt", action="store_true", help="leave dlt out")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fivesafes-bench-extract-", dir=args.workdir))
    python = sys.executable
    os.environ["SOURCE_DATE_EPOCH"] = "1767225600"
    try:
        (work / "data").mkdir()
        db = work / "data" / "cohort.sqlite"
        kept = make_source(db, args.rows)
        commands: dict[str, list[str]] = {}
        for fmt in ("parquet", "csv"):
            make_project(work / f"project-{fmt}", fmt)
            commands[f"fivesafes {fmt}"] = [python, "-c", EXTRACT, str(work / f"project-{fmt}"),
                                            str(work / f"staging-{fmt}"), str(work / "data")]
            commands[f"adbc {fmt}"] = [python, "-c", FLOOR, str(db), str(work / f"floor.{fmt}"),
                                       fmt]
            if have_dlt() and not args.no_dlt:
                commands[f"dlt {fmt}"] = [python, "-c", DLT, str(db), str(work / f"dlt-{fmt}"),
                                          fmt]
        runs: dict[str, list[tuple[float, float, float]]] = {}
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                for leftover in ("staging-parquet", "staging-csv", "dlt-parquet", "dlt-csv",
                                 "dlt-parquet.pipelines", "dlt-csv.pipelines"):
                    shutil.rmtree(work / leftover, ignore_errors=True)
                runs.setdefault(name, []).append(measure(cmd, work))
        best = {name: min(r[0] for r in results) for name, results in runs.items()}
        cpu = {name: min(r[2] for r in results) for name, results in runs.items()}
        peak = {name: max(r[1] for r in results) for name, results in runs.items()}
        ratios: dict[str, tuple[float, float]] = {}
        for fmt in ("parquet", "csv"):
            ratios[f"{fmt}: fivesafes / adbc"] = (best[f"fivesafes {fmt}"] / best[f"adbc {fmt}"],
                                                  1.5)
            if f"dlt {fmt}" in best:
                ratios[f"{fmt}: fivesafes / dlt"] = (
                    best[f"fivesafes {fmt}"] / best[f"dlt {fmt}"], 0.5)
        fivesafes_peak = max(peak["fivesafes parquet"], peak["fivesafes csv"])
        result = {
            "rows": args.rows, "approved_rows": kept, "repeat": args.repeat,
            "seconds": best, "cpu_seconds": cpu, "peak_rss_mib": peak,
            "ratios": {k: {"value": round(v, 3), "target": t, "ok": v <= t}
                       for k, (v, t) in ratios.items()},
            "fivesafes_peak_mib": {"value": round(fivesafes_peak, 1), "target": 400 / 1.048576,
                                   "ok": fivesafes_peak * 1.048576 < 400},
        }
        if args.json:
            print(json.dumps(result, indent=2))
            return
        print(f"source: {args.rows:,} rows, {kept:,} approved, 4 of 5 columns; "
              f"best of {args.repeat}")
        for name in commands:
            print(f"  {name:<18} {best[name]:7.3f} s   cpu {cpu[name]:7.3f} s   "
                  f"peak {peak[name]:7.1f} MiB")
        for label, (value, target) in ratios.items():
            verdict = "ok" if value <= target else "OVER TARGET"
            print(f"  {label:<26} {value:6.3f}  (target <= {target})  {verdict}")
        verdict = "ok" if result["fivesafes_peak_mib"]["ok"] else "OVER TARGET"
        print(f"  fivesafes peak memory    {fivesafes_peak * 1.048576:6.1f} MB "
              f"(target < 400 MB)  {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
