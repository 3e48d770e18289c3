#!/usr/bin/env python3
"""Benchmark the wes and cwl executors against their engines run directly, on the same crate.

    .venv/bin/python scripts/bench_execute.py [--repeat 3] [--json] [--only wes|cwl]

The shipped CWL Workflow RO-Crate (``cwl-counts``) runs on the same input table four ways:
``fivesafes execute`` with ``kind = "wes"`` on Toil's WES server (loopback, started here and
stopped by pid) against ``toil-cwl-runner`` run directly; and ``kind = "cwl"`` against
``cwltool`` run directly. Each executor time covers the whole of ``execute`` (retrieval from
the mirror with its sha-512, the record, the engine, copying and hashing the outputs). The
time reported is the best of --repeat runs, the executor and its engine taking turns (the
machine may be shared). Target: each executor at most 1.25 x its engine run directly. Toil
comes from ``.venv-toil`` (``.ci/run`` installs it) or ``FIVESAFES_TOIL_VENV``; cwltool from
the ``cwl`` extra.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the tests package: the project and Toil helpers

from tests.support.cwl import cwl_project  # noqa: E402
from tests.support.toil_server import free_port, toil_bin, toil_server  # noqa: E402

from fivesafes.adapters.executors.bundle import CWL_COUNTS, bundled_workflow  # noqa: E402
from fivesafes.adapters.files.template import render_project  # noqa: E402
from fivesafes.core.admin.init_plan import InitOptions  # noqa: E402
from fivesafes.services.attempt import RunOptions  # noqa: E402
from fivesafes.services.execute import execute  # noqa: E402

TARGET = 1.25


def interleaved(repeat: int, executor: Callable[[int], float],
                engine: Callable[[int], float]) -> dict[str, float]:
    """Best of ``repeat`` runs each, the two taking turns so that a busy spell of a shared
    machine weighs on both alike."""
    runs = [(executor(i), engine(i)) for i in range(repeat)]
    return {"executor": min(r[0] for r in runs), "engine": min(r[1] for r in runs)}


def project(base: Path, i: int, **executor: object) -> Path:
    root = base / f"project-{i}"
    render_project(root, InitOptions(project_id="urn:uuid:0e1f0000-0000-4000-8000-0000000000b1"))
    mirror = base / f"mirror-{i}"
    cwl_project(root, mirror, **{"workflow-mirror": str(mirror), **executor})
    return root


def executor_run(base: Path, i: int, **executor: object) -> float:
    root = project(base, i, **executor)
    start = time.perf_counter()
    entry = execute(root, RunOptions(staging_root=base / f"staging-{i}", env={}))
    took = time.perf_counter() - start
    if entry.status != "completed":
        raise SystemExit(f"the {executor['kind']} run failed: {entry.reason}")
    return took


def job(base: Path, i: int) -> Path:
    table = base / f"direct-{i}" / "patients.csv"
    table.parent.mkdir(parents=True)
    table.write_text("region,sex\nnorth,f\nnorth,m\nsouth,f\nnorth,f\n")
    path = table.parent / "job.json"
    path.write_text(json.dumps({"table": {"class": "File", "path": str(table)},
                                "column": "region", "min_count": 2}))
    return path


def direct(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def toil_env(binaries: Path, home: Path) -> dict[str, str]:
    proxy = f"http://127.0.0.1:{free_port()}"  # a closed port: the metadata probe fails fast
    env = {"PATH": f"{binaries}:{os.environ['PATH']}", "HOME": str(home), "TMPDIR": str(home),
           "no_proxy": "127.0.0.1,localhost"}
    env.update({k: proxy for k in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY")})
    return env


def bench_wes(base: Path, repeat: int) -> dict[str, float]:
    binaries = toil_bin()
    if binaries is None:
        raise SystemExit("no Toil virtual environment (.venv-toil): run .ci/run first")
    main = bundled_workflow(CWL_COUNTS) / "counts.cwl"

    def toil_direct(i: int) -> float:
        folder = base / f"toil-direct-{i}"
        folder.mkdir()
        return direct([str(binaries / "toil-cwl-runner"), "--outdir", str(folder / "out"),
                       "--jobStore", str(folder / "store"), "--clean=always", str(main),
                       str(job(base / "toil", i))], toil_env(binaries, folder))

    with toil_server(base / "toil-server") as server:
        settings = {"kind": "wes", "url": server.url, "shared-dir": str(server.work_dir)}
        return interleaved(repeat, lambda i: executor_run(base / "wes", i, **settings),
                           toil_direct)


def bench_cwl(base: Path, repeat: int) -> dict[str, float]:
    main = bundled_workflow(CWL_COUNTS) / "counts.cwl"
    cwltool = [sys.executable, "-c", "import sys; from cwltool.main import run; sys.exit(run())"]

    def cwl_direct(i: int) -> float:
        out = base / f"cwltool-direct-{i}"
        return direct([*cwltool, "--outdir", str(out), str(main), str(job(base / "cwl", i))],
                      {"PATH": os.environ["PATH"], "HOME": str(base)})

    return interleaved(repeat, lambda i: executor_run(base / "cwl", i, kind="cwl"), cwl_direct)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", choices=["wes", "cwl"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("SOURCE_DATE_EPOCH", "1767268800")
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="fivesafes-bench-") as tmp:
        base = Path(tmp)
        for kind, bench in (("wes", bench_wes), ("cwl", bench_cwl)):
            if args.only in (None, kind):
                (base / kind).mkdir()
                report[kind] = bench(base, args.repeat)
                report[kind]["ratio"] = report[kind]["executor"] / report[kind]["engine"]
        shutil.rmtree(base, ignore_errors=True)
    if args.json:
        print(json.dumps(report, indent=2))
        return
    engines = {"wes": "toil-cwl-runner", "cwl": "cwltool"}
    for kind, row in report.items():
        verdict = "ok" if row["ratio"] <= TARGET else f"over the {TARGET} x target"
        print(f"{kind:4} {row['executor']:7.2f} s   {engines[kind]:16} {row['engine']:7.2f} s"
              f"   ratio {row['ratio']:.2f} x  {verdict}")


if __name__ == "__main__":
    main()
