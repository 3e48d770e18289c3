"""An analysis run through ACRO on synthetic data: ``python acro_session.py OUTPUTS MODE``.

MODE ``session``: frequency tables (one with a small cell and an exception request, one with
margins), a mean table with a dominant contributor, a regression; ``federated``: the same in
ACRO's federated mode; ``tampered``: a session whose table is edited after ACRO checked it.
"""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
from acro import ACRO

outputs, mode = Path(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(7)
n = 300
df = pd.DataFrame({
    "region": rng.choice(["North", "South", "East"], n, p=[0.5, 0.47, 0.03]),
    "sex": rng.choice(["F", "M"], n),
    "cost": rng.gamma(2.0, 100.0, n),
    "age": rng.integers(20, 80, n),
})
df.loc[df.index[(df.region == "South") & (df.sex == "M")][0], "cost"] = 1e6
acro = ACRO(suppress=False, federated=mode == "federated")
acro.crosstab(df.region, df.sex)
acro.crosstab(df.region, df.sex, values=df.cost, aggfunc="mean")
acro.crosstab(df.region, df.sex, margins=True)
acro.ols(df.cost, df[["age"]])
if mode != "federated":
    acro.add_exception("output_0", "East is a published small region; counts are public")
acro.finalise(str(outputs / "acro"), "json")
if mode == "tampered":
    table = outputs / "acro" / "output_2_0.csv"
    table.write_text(table.read_text().replace("East,", "East (edited),", 1))
