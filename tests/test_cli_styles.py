"""The outcome's colour on a terminal: green when the case is admitted, red when refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, RULES, make_application

GREEN, RED, RESET = "\x1b[1;32m", "\x1b[1;31m", "\x1b[0m"


def _first_line(case: Path, tmp_path: Path) -> str:
    # FORCE_COLOR: rich writes its styles as on a terminal, through the pipe.
    env = {**os.environ, "FORCE_COLOR": "1", "CAPCOE_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("NO_COLOR", None)
    completed = subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "evaluate", str(case), "--rules", str(RULES)],
        capture_output=True, text=True, encoding="utf-8", env=env, timeout=120, check=True,
    )  # fmt: skip
    return completed.stdout.splitlines()[0]


def test_an_eligible_case_is_green_and_a_refused_one_red(tmp_path: Path) -> None:
    eligible = _first_line(FIXTURES / "applications" / "napoli-assunzioni.yaml", tmp_path)
    assert eligible.endswith(f"{GREEN}AMMISSIBILE{RESET}"), eligible
    refused_case = tmp_path / "refused.json"
    refused_case.write_text(json.dumps(make_application(amount_requested="0.00")), "utf-8")
    refused = _first_line(refused_case, tmp_path)
    assert refused.endswith(f"{RED}NON AMMISSIBILE{RESET}"), refused
