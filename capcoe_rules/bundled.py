"""Where the rule set shipped with capcoe-rules is.

Policy staff edit the rule set in the repository's top-level ``rules/``; the build
(``setup.py``) maps that folder into the package as ``capcoe_rules/bundled_rules``, so an
installed wheel carries it. A source checkout (an editable install, the project's own
tests) has no copy: there the bundled rule set is ``rules/`` itself.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = "ruleset.yaml"
PACKAGED = Path(__file__).resolve().parent / "bundled_rules"
CHECKOUT = Path(__file__).resolve().parent.parent / "rules"


def bundled_rules_path() -> Path:
    """The directory of the bundled rule set. Raises ``FileNotFoundError`` when this
    installation has none (a wheel built without ``rules/``)."""
    for directory in (PACKAGED, CHECKOUT):
        if (directory / MANIFEST).is_file():
            return directory
    raise FileNotFoundError(
        f"this installation of capcoe-rules has no bundled rule set (looked in {PACKAGED}): "
        "pass a rule set directory"
    )
