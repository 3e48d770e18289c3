"""The automation as every crate names it: the software that recorded the decisions.

The crate's ``SoftwareApplication`` entity (and each AssessAction's ``instrument``) carry this
package's name, home and version, so a recipient can tell which release of the product wrote
the record they read. Shared by every command that rebuilds the crate and by the demo.
"""

from __future__ import annotations

from fivesafes import __version__
from fivesafes.core.crate.spec import Software

SOFTWARE_NAME = "fivesafes-gitops"
SOFTWARE_URL = "https://github.com/fivesafes/fivesafes-gitops"


def software() -> Software:
    """The automation as the crate records it (name, url, this package's version)."""
    return Software(name=SOFTWARE_NAME, url=SOFTWARE_URL, version=__version__)
