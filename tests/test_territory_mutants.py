"""ISTAT codes resolve to the places they name, and comuni.csv is what derive.py makes."""

from __future__ import annotations

from pathlib import Path

import pytest

from capcoe_rules.territory import Place, UnknownTerritoryCodeError, comuni, derive, resolve


@pytest.mark.parametrize(
    ("code", "place"),
    [
        ("063049", Place("063049", "comune", "Napoli", "15", "ITF3")),
        ("063", Place("063", "provincia", "Napoli", "15", "ITF3")),
        ("263", Place("263", "provincia", "Città metropolitana di Napoli", "15", "ITF3")),
        ("15", Place("15", "regione", "Campania", "15", "ITF3")),
        ("082", Place("082", "provincia", "Palermo", "19", "ITG1")),
        ("282", Place("282", "provincia", "Città metropolitana di Palermo", "19", "ITG1")),
        ("021", Place("021", "provincia", "Bolzano/Bozen", "04", "ITH1")),
        ("022", Place("022", "provincia", "Trento", "04", "ITH2")),
        ("04", Place("04", "regione", "Trentino-Alto Adige/Südtirol", "04", None)),
        ("001001", Place("001001", "comune", "Agliè", "01", "ITC1")),
    ],
)
def test_codes_resolve_to_the_places_they_name(code: str, place: Place) -> None:
    assert resolve(code) == place


@pytest.mark.parametrize("code", ["999", "99", "999999", "", "0630", "06304"])
def test_unknown_codes_are_refused(code: str) -> None:
    with pytest.raises(UnknownTerritoryCodeError, match="is not an ISTAT comune"):
        resolve(code)


def test_a_province_without_a_metropolitan_city_has_one_code() -> None:
    salerno = [comune for comune in comuni() if comune.province_code == "065"]
    assert salerno and {comune.uts_code for comune in salerno} == {"065"}
    assert resolve("065").name == "Salerno"


def test_comuni_csv_is_what_derive_makes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "comuni.csv"
    monkeypatch.setattr(derive, "OUTPUT", output)
    assert derive.main() == 0
    assert output.read_bytes() == derive.Path(derive.__file__).with_name("comuni.csv").read_bytes()
    codes = [comune.istat_code for comune in comuni()]
    assert codes == sorted(codes) and len(codes) > 7800


def _every_place() -> dict[str, Place]:
    """Every code's place, built the plain way from the whole list (the specification of
    ``resolve``, which reads a comune's own row only)."""
    places: dict[str, Place] = {
        c.istat_code: Place(c.istat_code, "comune", c.name, c.region_code, c.nuts2)
        for c in comuni()
    }
    groups: dict[tuple[str, str, str], list[str]] = {}
    for c in comuni():
        groups.setdefault((c.province_code, "provincia", c.province_name), []).append(c.nuts2)
        if c.uts_code != c.province_code:
            name = f"Città metropolitana di {c.province_name}"
            groups.setdefault((c.uts_code, "provincia", name), []).append(c.nuts2)
        groups.setdefault((c.region_code, "regione", c.region_name), []).append(c.nuts2)
    region_of = {c.province_code: c.region_code for c in comuni()}
    region_of |= {c.uts_code: c.region_code for c in comuni()}
    for (code, level, name), nuts in groups.items():
        region = code if level == "regione" else region_of[code]
        places[code] = Place(code, level, name, region, nuts[0] if len(set(nuts)) == 1 else None)
    return places


def test_every_code_resolves_to_the_place_the_whole_list_gives() -> None:
    places = _every_place()
    for code, place in places.items():
        assert resolve(code) == place
    prefixes = {code[:length] for code in places for length in range(1, 6)} - set(places)
    for code in sorted(prefixes | {"0630490", "06304a", "٠٦٣٠٤٩", "063049\n"}):
        with pytest.raises(UnknownTerritoryCodeError):
            resolve(code)
