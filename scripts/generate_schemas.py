#!/usr/bin/env python3
"""Generate the JSON Schemas of the project files from the models.

Writes src/fivesafes/schemas/*.schema.json and the copies in templates/project-repo/.schemas/.
With --check, writes nothing and exits 1 listing the files that are stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from fivesafes.adapters.files import schemas

ROOT = Path(__file__).resolve().parent.parent
FOLDERS = [ROOT / "src" / "fivesafes" / "schemas", ROOT / "templates" / "project-repo" / ".schemas"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail when a schema file is stale")
    args = parser.parse_args(argv)
    if args.check:
        stale = schemas.stale(FOLDERS)
        for path in stale:
            print(f"stale: {path.relative_to(ROOT)} (run scripts/generate_schemas.py)")
        return 1 if stale else 0
    for path in schemas.write(FOLDERS):
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
