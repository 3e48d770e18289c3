#!/usr/bin/env python3
"""Benchmark `fivesafes package` and `fivesafes verify` against a sha512sum pass and the
standard-tools pipeline (ro-crate-py writes the crate, bagit-python bags it with sha-512,
zipfile zips it), on the same generated outputs, in one run.

    .venv/bin/python scripts/bench_package.py [--size 250MB] [--repeat 3] [--json]

Outputs are half incompressible random bytes, half CSV. Each command runs as its own child
process (started by a small launcher); the time reported is the best of --repeat runs (the
machine may be shared; the launcher's start-up of a few ms is included for every command)
and the peak memory is that process's maximum resident set size (os.wait4); its CPU seconds are
shown too (on a busy machine they vary less than the wall time). Targets: package at most
0.1 x the standard pipeline and at most 1.6 x sha512sum; verify at most 1.2 x sha512sum; peak
memory under 200 MB. `verify+sha512` is verify with the `.sha512` file beside the zip
(one more sha-512 pass over the zip, on a second thread): reported, no target.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MiB = 1024 * 1024
UNITS = {"": 1, "B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3,
         "KIB": 1024, "MIB": MiB, "GIB": 1024**3}

PROJECT_TOML = """\
[project]
id = "urn:uuid:0b5e1c4a-2f3d-4e5f-8a9b-0c1d2e3f4a5b"
title = "Benchmark of the release packager"
description = "Synthetic outputs for timing the packager and the verifier."
start-date = 2026-01-01
end-date = 2026-12-31

[[project.members]]
name = "University of Manchester"
ror = "https://ror.org/027m9bs27"

[requester]
name = "Alex Researcher"
orcid = "0000-0002-1825-0097"
email = "alex.researcher@example.org"
github = "alex-researcher"

[requester.affiliation]
name = "University of Manchester"
ror = "https://ror.org/027m9bs27"
"""
WORKFLOW_TOML = """\
[workflow]
id = "https://workflowhub.eu/workflows/1234?version=3"
name = "Counts by region"
distribution = "https://workflowhub.eu/workflows/1234/ro_crate?version=3"
language = "python"
version = "3"
""" + 'sha512 = "{}"\n'.format(  # the template's: validation requires it of a URL workflow
    "7bbbaa9ba85c3cc22cd75b28a466d4e2372fabe81fe2a93fc50ab1b2aa3419b8"
    "5ab20ec0b7d1e773755d4013034eac46834a491fc8af10216f60d873bde47188")
ACCESS_TOML = """\
[source]
name = "cohort"
type = "sqlite"
database = "cohort.sqlite"

[destination]
type = "workspace"
name = "benchmark"
"""
POLICY_TOML = """\
[tre]
name = "Example Trusted Research Environment"
url = "https://tre.example.org"
ror = "https://ror.org/027m9bs27"

[phases.sign-off]
approvers = ["sam-approver"]

[phases.disclosure]
approvers = ["chris-checker", "dana-checker"]
required = 2

[workflows]
allowed-sources = ["https://workflowhub.eu/workflows/"]

[publication]
license = "https://spdx.org/licenses/CC-BY-4.0"

[executor]
kind = "local"
command = ["python", "analysis.py", "{inputs}", "{outputs}"]
"""

STANDARD = """
import sys, zipfile
from pathlib import Path
import bagit
from rocrate.rocrate import ROCrate

outputs, folder, out = (Path(a) for a in sys.argv[1:4])
crate = ROCrate()
crate.name = "Benchmark of the release packager"
for path in sorted(p for p in outputs.rglob("*") if p.is_file()):
    crate.add_file(path, dest_path="outputs/" + path.relative_to(outputs).as_posix())
crate.write(folder)
bagit.make_bag(str(folder), checksums=["sha512"])
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        archive.write(path, "bag/" + path.relative_to(folder).as_posix())
"""


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*([\d.]+)\s*([A-Za-z]*)\s*", text)
    if not match or match.group(2).upper() not in UNITS:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 250MB, 1GiB)")
    return int(float(match.group(1)) * UNITS[match.group(2).upper()])


def make_project(root: Path) -> None:
    """A valid request whose record is signed off, executed and disclosed, so verify passes."""
    from fivesafes.adapters.ledger.file import write_record
    from fivesafes.core.ids import derived_urn
    from fivesafes.core.ledger import chain as ledger
    from fivesafes.models.ledger import ActionRecord

    for rel, text in (("resources/governance/project.toml", PROJECT_TOML),
                      ("resources/workflow.toml", WORKFLOW_TOML),
                      ("resources/access/access.toml", ACCESS_TOML),
                      (".github/fivesafes.toml", POLICY_TOML)):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    record = ActionRecord()
    phases = ("check", "validation", "workflow-retrieval", "sign-off", "execution", "disclosure")
    for n, phase in enumerate(phases, start=1):
        who = {"login": "sam-approver", "name": "Sam Approver"} if phase == "sign-off" else {
            "login": "fivesafes[bot]", "kind": "automation"}
        record = ledger.append(record, {
            "id": derived_urn("bench", n), "phase": phase, "status": "completed",
            "start": f"2026-03-01T1{n}:00:00Z", "end": f"2026-03-01T1{n}:30:00Z",
            "agents": [who], "evidence": {"event": "cli", "delivery": f"bench-{n}"}})
    write_record(root, record)


def make_outputs(folder: Path, size: int) -> list[Path]:
    """Half random bytes, half CSV (a 16 MiB block of random rows, repeated: deflate's 32 KiB
    window cannot tell the repeats apart, so it compresses like fresh rows)."""
    (folder / "tables").mkdir(parents=True)
    rng = random.Random(1)
    random_part, csv_part = size // 2, size - size // 2
    with (folder / "random.bin").open("wb") as handle:
        left = random_part
        while left > 0:
            handle.write(os.urandom(min(MiB, left)))
            left -= MiB
    regions = ["north", "south", "east", "west", "midlands", "wales", "scotland"]
    rows = "".join(
        f"{i},{rng.randint(1930, 2010)},{rng.choice('FM')},{rng.choice(regions)},"
        f"{rng.random() * 100:.3f},2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d},"
        f"{rng.choice(['C34', 'I21', 'E11', 'J45', 'K35'])}\n"
        for i in range(220_000)).encode()[: 16 * MiB]
    header = b"id,birth_year,sex,region,score,date,code\n"
    with (folder / "tables" / "cohort.csv").open("wb") as handle:
        handle.write(header)
        left = csv_part - len(header)
        while left > 0:
            handle.write(rows[: min(len(rows), left)])
            left -= len(rows)
    (folder / "README.md").write_text("# Benchmark outputs\n")
    return sorted(p for p in folder.rglob("*") if p.is_file())


# A small launcher between this process and each measured command: a child's peak memory
# (ru_maxrss) starts at its parent's size when it is spawned, so the measured command must be
# spawned by a small process, not by this one.
LAUNCHER = """
import os, sys
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{usage.ru_maxrss} {os.waitstatus_to_exitcode(status)} "
              f"{usage.ru_utime + usage.ru_stime}")
"""


def timed(cmd: list[str], work: Path) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MiB) of one command; fails loudly."""
    seconds, mib, _ = measure(cmd, work)
    return seconds, mib


def measure(cmd: list[str], work: Path) -> tuple[float, float, float]:
    """Wall seconds, peak resident memory (MiB) and CPU seconds of one command."""
    report = work / "launcher.out"
    os.sync()  # the previous command's writes must not be flushed during this one
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(report), *cmd],
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - start
    maxrss, code, cpu = report.read_text().split()
    if int(code) != 0 or done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd[:4])} ... exited {code}: {done.stderr.decode()[-2000:]}")
    return seconds, int(maxrss) / 1024, float(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=parse_size, default=parse_size("250MB"))
    parser.add_argument("--repeat", type=int, default=3, help="runs per command (best kept)")
    parser.add_argument("--workdir", type=Path, help="where to work (default: a temp folder)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fivesafes-bench-", dir=args.workdir))
    python = sys.executable
    from fivesafes.adapters.release.zip_streams import DEFLATER as deflater
    env_epoch = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    os.environ.update(env_epoch)
    try:
        make_project(work / "project")
        files = make_outputs(work / "outputs", args.size)
        total = sum(p.stat().st_size for p in files)
        zip_path = work / "release.zip"
        checked = work / "checked" / "release.zip"  # a copy with its .sha512 beside it
        runs: dict[str, list[tuple[float, float, float]]] = {}
        commands = {
            "sha512sum": ["sha512sum", *map(str, files)],
            "package": [python, "-m", "fivesafes", "package", str(work / "project"),
                        "--outputs", str(work / "outputs"), "--out", str(zip_path),
                        "--no-progress"],
            "verify": [python, "-m", "fivesafes", "verify", str(zip_path), "--no-progress"],
            "verify+sha512": [python, "-m", "fivesafes", "verify", str(checked),
                              "--no-progress"],
            "standard": [python, "-c", STANDARD, str(work / "outputs"), str(work / "std"),
                         str(work / "std.zip")],
        }
        timed(commands["package"], work)  # once, untimed, for the checked copy
        checked.parent.mkdir()
        shutil.copyfile(zip_path, checked)
        digest = subprocess.run(["sha512sum", str(checked)], check=True, capture_output=True,
                                text=True).stdout.split()[0]
        checked.with_name("release.zip.sha512").write_text(f"{digest}  release.zip\n")
        for _ in range(args.repeat):
            for name, cmd in commands.items():
                shutil.rmtree(work / "std", ignore_errors=True)
                runs.setdefault(name, []).append(measure(cmd, work))
        best = {name: min(r[0] for r in results) for name, results in runs.items()}
        cpu = {name: min(r[2] for r in results) for name, results in runs.items()}
        peak = {name: max(r[1] for r in results) for name, results in runs.items()}
        ratios = {
            "package / standard": (best["package"] / best["standard"], 0.1),
            "package / sha512sum": (best["package"] / best["sha512sum"], 1.6),
            "verify / sha512sum": (best["verify"] / best["sha512sum"], 1.2),
        }
        result = {
            "bytes": total, "zip_bytes": zip_path.stat().st_size,
            "std_zip_bytes": (work / "std.zip").stat().st_size, "repeat": args.repeat,
            "seconds": best, "cpu_seconds": cpu, "peak_rss_mib": peak, "deflater": deflater,
            "ratios": {k: {"value": round(v, 3), "target": t, "ok": v <= t}
                       for k, (v, t) in ratios.items()},
        }
        if args.json:
            print(json.dumps(result, indent=2))
            return
        print(f"outputs: {total / 1e6:.1f} MB in {len(files)} files; "
              f"release zip {result['zip_bytes'] / 1e6:.1f} MB; "
              f"standard zip {result['std_zip_bytes'] / 1e6:.1f} MB; best of {args.repeat}; "
              f"deflate: {deflater}")
        for name in commands:
            print(f"  {name:<13} {best[name]:7.3f} s   cpu {cpu[name]:7.3f} s   "
                  f"peak {peak[name]:7.1f} MiB")
        for label, (value, target) in ratios.items():
            verdict = "ok" if value <= target else "OVER TARGET"
            print(f"  {label:<20} {value:6.3f}  (target <= {target})  {verdict}")
        for name in ("package", "verify"):
            verdict = "ok" if peak[name] * 1.048576 < 200 else "OVER TARGET"
            print(f"  {name + ' peak memory':<20} {peak[name] * 1.048576:6.1f} MB "
                  f"(target < 200 MB)  {verdict}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
