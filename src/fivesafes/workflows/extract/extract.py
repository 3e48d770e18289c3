"""The built-in extract workflow of fivesafes, version 1.0.0.

Copies exactly the approved tables, columns and rows of a Five Safes request from its source
into one file per table (csv or parquet, as access.toml asks), recording row counts.

    python extract.py PROJECT_DIR STAGING_DIR [DATA_DIR]

The work is done by fivesafes.adapters.executors.extract; `fivesafes execute` runs it when the
policy's executor is `extract`.
"""

import sys

from fivesafes.adapters.executors.extract import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
