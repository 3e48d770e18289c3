"""The counts-by-region workflow, version 3: patient counts by region (or sex) and sex.

Reads only the source, writes only into the outputs folder: one aggregate table and a summary.

    python counts_by_region.py --source SOURCE --inputs INPUTS_JSON --outputs OUTPUTS_DIR

``--source`` is a SQLite file path, or ``env:NAME`` to read a database URL from the environment.
The work is done by fivesafes.demo_analysis, which `fivesafes demo` runs with the local
executor.
"""

import sys

from fivesafes.demo_analysis import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
