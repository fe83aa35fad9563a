"""The HTTP decision service, over real HTTP: ``capcoe-rules serve`` on a free loopback port."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from conftest import FIXTURES, RULES, make_application

from capcoe_rules import Engine
from capcoe_rules.allocation import allocate_round
from capcoe_rules.casefiles import read_case_file
from capcoe_rules.errors import CaseError
from capcoe_rules.language.description import describe
from capcoe_rules.schemas import SCHEMAS, json_schema
from capcoe_rules.service.process import ServerProcess

LIMIT = 64 * 1024
SECOND_VERSION = "2099.1.0-prova"


class Answer(NamedTuple):
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    server: ServerProcess,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> Answer:
    connection = http.client.HTTPConnection(server.host, server.port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return Answer(
            response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        )
    finally:
        connection.close()


def post(server: ServerProcess, path: str, body: bytes | str) -> Answer:
    data = body.encode() if isinstance(body, str) else body
    return request(server, "POST", path, data, {"content-type": "application/json"})


@pytest.fixture(scope="module")
def second_rules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled rule set under another version, with a lower hiring cap per comune."""
    directory = tmp_path_factory.mktemp("second") / "rules"
    shutil.copytree(RULES, directory)
    manifest = directory / "ruleset.yaml"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace('version: "2026.11.0"', f'version: "{SECOND_VERSION}"'))
    return directory


@pytest.fixture(scope="module")
def server(second_rules: Path) -> Iterator[ServerProcess]:
    with ServerProcess([RULES, second_rules], max_body_bytes=LIMIT) as running:
        yield running


def fixture_cases() -> list[tuple[Path, str, dt.date | None]]:
    cases = []
    for path in sorted(FIXTURES.rglob("*.yaml")):
        example = read_case_file(path)
        text = json.dumps(example.case, default=lambda value: value.isoformat())
        cases.append((path, text, example.as_of))
    return cases


def decide_path(as_of: dt.date | None, prefix: str = "/v1") -> str:
    return f"{prefix}/decisions" + ("" if as_of is None else f"?as_of={as_of.isoformat()}")


def test_every_fixture_gets_the_bytes_of_engine_evaluate(
    server: ServerProcess, engine: Engine
) -> None:
    decided = refused = 0
    for path, text, as_of in fixture_cases():
        answer = post(server, decide_path(as_of), text)
        try:
            expected = engine.evaluate(text, as_of=as_of)
        except CaseError as error:
            assert answer.status == 422, path
            problems = answer.json()["problems"]
            assert [(p["path"], p["message_en"]) for p in problems] == [
                (p.path, p.message) for p in error.problems
            ], path
            refused += 1
            continue
        assert answer.status == 200, (path, answer.body[:500])
        assert answer.body == expected.to_json().encode(), path
        assert answer.headers["capcoe-ruleset"].split()[1] == expected.ruleset.version
        decided += 1
    assert decided > 70 and refused >= 10


def test_explain_adds_every_rule_considered_in_words(server: ServerProcess, engine: Engine) -> None:
    for name in (
        "applications/napoli-assunzioni.yaml",
        "payments/comune-napoli-tempi-pagamento-indicatore-peggiorato.yaml",
    ):
        example = read_case_file(FIXTURES / name)
        text = json.dumps(example.case, default=str)
        answer = post(server, "/v1/decisions?explain=true", text)
        assert answer.status == 200, answer.body
        body = answer.json()
        decision = engine.evaluate(text)
        assert json.dumps(body["decision"], separators=(",", ":")) == json.dumps(
            json.loads(decision.to_json()), separators=(",", ":")
        )
        findings = [  # as `capcoe-rules explain` shows them: each milestone's, then the rest
            *(f for m in getattr(decision, "milestones", []) for f in m.findings),
            *decision.findings,
        ]
        assert [line["rule_id"] for line in body["explanation"]] == [f.rule_id for f in findings]
        for line, finding in zip(body["explanation"], findings, strict=True):
            assert line["status"] == finding.status
            assert line["text"]["it"].startswith(finding.rule_id)
            assert finding.basis in line["text"]["it"] and finding.basis in line["text"]["en"]


def test_concurrent_requests_each_get_their_own_decision(
    server: ServerProcess, engine: Engine
) -> None:
    cases = [(text, as_of) for _, text, as_of in fixture_cases()][:40]
    expected = []  # by case and date: two examples may decide one case on two days
    for text, as_of in cases:
        try:
            expected.append((200, engine.evaluate(text, as_of=as_of).to_json().encode()))
        except CaseError:
            expected.append((422, None))

    def one(index: int) -> tuple[int, Answer]:
        text, as_of = cases[index % len(cases)]
        return index % len(cases), post(server, decide_path(as_of), text)

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(one, range(200)))
    for index, answer in answers:
        status, body = expected[index]
        assert answer.status == status
        if body is not None:
            assert answer.body == body


@pytest.mark.parametrize(
    ("body", "paths"),
    [
        ("{not json", [""]),
        ("[1, 2]", [""]),
        ("", [""]),
        (json.dumps({"case_type": "domanda"}), ["case_type"]),
        (
            json.dumps({k: v for k, v in make_application().items() if k != "submitter"}),
            ["submitter"],
        ),
        (json.dumps(make_application(hires={"tecnico": "6"})), ["hires.tecnico"]),
        (json.dumps(make_application(amount_requested="1_000")), ["amount_requested"]),
        (json.dumps(make_application(applicant__istat_code="999999")), ["applicant.istat_code"]),
        (json.dumps(make_application(area="assunzione", extra=1)), ["area", "extra"]),
        (json.dumps(make_application(submitted_at="2023-12-04T10:15:00")), ["submitted_at"]),
    ],
)
def test_a_malformed_case_is_a_422_with_each_field_in_italian_and_english(
    server: ServerProcess, body: str, paths: list[str]
) -> None:
    answer = post(server, "/v1/decisions", body)
    assert answer.status == 422
    refused = answer.json()
    assert (refused["language"], refused["error"]) == ("it", "Caso non valido")
    assert (refused["error_it"], refused["error_en"]) == ("Caso non valido", "Invalid case")
    assert [problem["path"] for problem in refused["problems"]] == paths
    for problem in refused["problems"]:
        assert problem["message_en"]
        assert problem["message"] == problem["message_it"]
        assert problem["message_it"] and not problem["message_it"].startswith("non valido:")


def test_a_refused_case_says_what_kind_of_problem_and_how_to_fix_it(
    server: ServerProcess,
) -> None:
    answer = post(server, "/v1/decisions", json.dumps(make_application(area="asunzioni")))
    assert answer.status == 422
    (problem,) = answer.json()["problems"]
    assert problem["code"] == "literal_error"
    assert problem["message"] == problem["message_it"] == "'asunzioni' non è tra i valori ammessi"
    assert problem["message_en"] == "'asunzioni' is not one of the admitted values"
    assert problem["hint"] == problem["hint_it"]
    assert problem["hint_it"].startswith("forse intendevi 'assunzioni'? (ammessi: ")
    assert problem["hint_en"].startswith("did you mean 'assunzioni'? (admitted: ")


def test_a_bad_query_is_a_422_too(server: ServerProcess) -> None:
    case = json.dumps(make_application())
    bad_date = post(server, "/v1/decisions?as_of=30-01-2024", case)
    assert bad_date.status == 422
    assert [p["path"] for p in bad_date.json()["problems"]] == ["query.as_of"]
    outside = post(server, "/v1/decisions?as_of=2031-01-01", case)
    assert outside.status == 422
    assert outside.json()["problems"][0]["path"] == "as_of"
    assert "2031-01-01" in outside.json()["problems"][0]["message_it"]


def test_a_body_over_the_limit_is_refused_with_413(server: ServerProcess) -> None:
    big = json.dumps(make_application(id="X" * LIMIT)).encode()
    declared = post(server, "/v1/decisions", big)
    assert declared.status == 413
    assert declared.json()["error_en"] == "Request body too large"
    # An iterable body: http.client sends it chunked, with no length to refuse it by.
    chunked = request(server, "POST", "/v1/decisions", iter([big[:1000], big[1000:]]))  # type: ignore[arg-type]
    assert chunked.status == 413
    assert request(server, "POST", "/v1/allocations", big).status == 413
    just_under = post(server, "/v1/decisions", json.dumps(make_application(id="X" * 1000)))
    assert just_under.status == 200
    assert request(server, "GET", "/health").status == 200


def test_a_batch_answers_each_line_in_order_and_bad_lines_by_number(
    server: ServerProcess, engine: Engine
) -> None:
    good = json.dumps(make_application())
    other = json.dumps(make_application(id="T-2", area="formazione"))
    lines = [
        good,
        "",
        "{not json",
        other,
        json.dumps(make_application(hires={"tecnico": -1})),
        "x" * (LIMIT + 10),
        good,
    ]
    answer = request(
        server,
        "POST",
        "/v1/decisions:batch",
        ("\n".join(lines) + "\n").encode(),
        {"content-type": "application/x-ndjson"},
    )
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("application/x-ndjson")
    out = answer.body.decode().splitlines()
    assert len(out) == 6  # one per non-blank line
    assert out[0] == out[5] == engine.evaluate(good).to_json()
    assert out[2] == engine.evaluate(other).to_json()
    bad = [json.loads(out[index]) for index in (1, 3, 4)]
    assert [entry["line"] for entry in bad] == [3, 5, 6]
    assert bad[1]["id"] == "T-0001" and bad[1]["errors"][0]["path"] == "hires.tecnico"
    assert bad[2]["errors"][0]["message"] == bad[2]["errors"][0]["message_it"]
    assert bad[2]["errors"][0]["message_it"] == "la riga supera 65.536 byte"
    assert bad[2]["errors"][0]["message_en"] == "the line is longer than 65,536 bytes"
    for entry in bad:
        assert entry["errors"][0]["message_it"] and entry["errors"][0]["message_en"]


def test_a_batch_is_answered_while_it_is_still_being_sent(
    server: ServerProcess, engine: Engine
) -> None:
    good = json.dumps(make_application()).encode()
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    try:
        connection.putrequest("POST", "/v1/decisions:batch")
        connection.putheader("transfer-encoding", "chunked")
        connection.endheaders()
        connection.send(_chunk(good + b"\n"))
        response = connection.getresponse()
        first = response.readline()  # before the rest of the body is sent
        assert first.decode().rstrip("\n") == engine.evaluate(good).to_json()
        connection.send(_chunk(good + b"\n") + _chunk(b""))
        rest = response.read().decode().splitlines()
        assert rest == [engine.evaluate(good).to_json()]
    finally:
        connection.close()


def _chunk(data: bytes) -> bytes:
    return f"{len(data):x}\r\n".encode() + data + b"\r\n"


def test_an_allocation_round_is_the_one_allocate_round_holds(
    server: ServerProcess, engine: Engine
) -> None:
    applications: list[Any] = [
        make_application(id="A-1"),
        make_application(id="A-2", applicant__istat_code="065116", hires={"tecnico": 2}),
        make_application(id="A-3", area="formazione"),
        {"id": "broken"},
    ]
    answer = post(server, "/v1/allocations", json.dumps({"applications": applications}))
    assert answer.status == 200, answer.body
    sources = [f"applications.{n}" for n in range(len(applications))]
    expected = allocate_round(engine, applications, sources=sources)
    assert answer.body == expected.to_json().encode()
    result = answer.json()
    assert [entry["source"] for entry in result["invalid"]] == ["applications.3"]
    assert result["totals"]["allocated"] == 11
    unknown = post(
        server, "/v1/allocations", json.dumps({"applications": applications, "method": "sorteggio"})
    )
    assert unknown.status == 422
    assert "sorteggio" in unknown.json()["problems"][0]["message_it"]
    malformed = post(server, "/v1/allocations", json.dumps({"applications": 5, "as_of": "ieri"}))
    assert malformed.status == 422
    assert sorted(p["path"] for p in malformed.json()["problems"]) == ["applications", "as_of"]


def post_as(server: ServerProcess, path: str, body: str, **headers: str) -> Answer:
    sent = {"content-type": "application/json", **headers}
    return request(server, "POST", path, body.encode(), sent)


def test_an_error_speaks_the_language_the_request_asks_for(server: ServerProcess) -> None:
    case = json.dumps(make_application(area="asunzioni"))
    english = {
        "language": "en",
        "error": "Invalid case",
        "message": "'asunzioni' is not one of the admitted values",
    }
    italian = {
        "language": "it",
        "error": "Caso non valido",
        "message": "'asunzioni' non è tra i valori ammessi",
    }
    for path, headers, expected in [
        ("/v1/decisions", {}, italian),
        ("/v1/decisions?lang=en", {}, english),
        ("/v1/decisions?lang=it", {"accept-language": "en"}, italian),  # lang wins
        ("/v1/decisions", {"accept-language": "en-GB,en;q=0.9,it;q=0.8"}, english),
        ("/v1/decisions", {"accept-language": "en;q=0.5, it-IT"}, italian),
        ("/v1/decisions", {"accept-language": "de, *;q=0.1"}, italian),
    ]:
        body = post_as(server, path, case, **headers).json()
        (problem,) = body["problems"]
        said = {"language": body["language"], "error": body["error"], "message": problem["message"]}
        assert said == expected, (path, headers)
        assert problem["hint"] == problem[f"hint_{expected['language']}"]
        assert (problem["message_it"], problem["message_en"]) == (
            italian["message"],
            english["message"],
        )
        assert (body["error_it"], body["error_en"]) == ("Caso non valido", "Invalid case")


def test_an_unknown_language_is_an_error_in_both_languages(server: ServerProcess) -> None:
    case = json.dumps(make_application())
    asked = post_as(server, "/v1/decisions?lang=fr", case)
    assert asked.status == 422
    body = asked.json()
    assert (body["error_it"], body["error_en"]) == ("Lingua sconosciuta", "Unknown language")
    (problem,) = body["problems"]
    assert (problem["path"], problem["code"]) == ("lang", "unknown_language")
    assert problem["message_it"] == "'fr' non è una lingua di capcoe-rules"
    assert problem["message_en"] == "'fr' is not a language of capcoe-rules"
    assert problem["hint_en"].startswith("ask for it (italiano) or en (English)")
    negotiated = post_as(server, "/v1/decisions", case, **{"accept-language": "fr-FR, de"})
    assert negotiated.status == 406
    assert negotiated.json()["problems"][0]["path"] == "accept-language"
    for path in ("/v1/ruleset?lang=de", "/v1/schemas?lang=de", "/v1/rulesets?lang=de"):
        assert request(server, "GET", path).status == 422, path
    assert request(server, "GET", "/health?lang=de").status == 200  # liveness is not refused


def test_a_round_that_cannot_be_held_says_why_in_each_language(server: ServerProcess) -> None:
    applications = [make_application(id="A-1")]
    unknown = json.dumps({"applications": applications, "method": "proporzionali"})
    english = post_as(server, "/v1/allocations?lang=en", unknown).json()
    assert english["error"] == "The round cannot be held"
    (problem,) = english["problems"]
    assert (problem["path"], problem["code"]) == ("method", "round_unknown_method")
    assert problem["message"] == (
        "unknown allocation method 'proporzionali' "
        "(declared: decreto_2024, proporzionale or priorita)"
    )
    assert (
        problem["hint"]
        == "did you mean 'proporzionale'? (declared: decreto_2024, proporzionale or priorita)"
    )
    italian = post_as(server, "/v1/allocations", unknown).json()
    assert italian["error"] == "Il riparto non può essere tenuto"
    assert italian["problems"][0]["message"] == (
        "metodo di riparto 'proporzionali' sconosciuto "
        "(dichiarati: decreto_2024, proporzionale o priorita)"
    )
    assert italian["problems"][0]["hint"] == (
        "forse intendevi 'proporzionale'? (dichiarati: decreto_2024, proporzionale o priorita)"
    )
    outside = json.dumps({"applications": applications, "as_of": "2031-01-01"})
    late = post_as(server, "/v1/allocations", outside).json()["problems"][0]
    assert late["message"].startswith("2031-01-01 è fuori dal periodo di vigenza delle regole")
    assert late["message_en"].startswith("2031-01-01 is outside the period rule set")
    empty = post_as(server, "/v1/allocations?lang=en", json.dumps({"applications": []}))
    assert empty.status == 422
    assert empty.json()["problems"][0]["message"] == "no valid application to date the round by"
    assert empty.json()["problems"][0]["message_it"] == (
        "nessuna domanda valida da cui prendere la data del riparto"
    )


def test_an_unknown_schema_or_route_is_a_404_in_the_language_asked(server: ServerProcess) -> None:
    schema = request(server, "GET", "/v1/schemas/decisione?lang=en")
    assert schema.status == 404
    body = schema.json()
    assert body["error"] == "No such schema"
    assert body["problems"][0]["message"] == "there is no schema named 'decisione'"
    assert body["problems"][0]["hint"].startswith("did you mean 'decision")
    assert request(server, "GET", "/v1/schemas/decisione").json()["error"] == "Schema inesistente"
    route = request(server, "GET", "/v1/nowhere", headers={"accept-language": "en"})
    assert route.status == 404 and route.json()["error"] == "Not found"
    assert request(server, "GET", "/v1/nowhere").json()["error"] == "Non trovato"


def test_the_ruleset_its_schemas_and_health(server: ServerProcess, engine: Engine) -> None:
    described = request(server, "GET", "/v1/ruleset")
    assert described.status == 200
    assert described.body == describe(engine.ruleset).to_json().encode()
    body = described.json()
    assert body["in_force"] == {"from": "2021-01-01", "to": "2029-12-31"}
    assert len(body["rules"]) == sum(len(case.rules) for case in engine.ruleset.cases.values())
    assert all(rule["title"]["it"] and rule["basis"] for rule in body["rules"])
    listed = request(server, "GET", "/v1/schemas").json()
    assert [entry["name"] for entry in listed] == list(SCHEMAS)
    for entry in listed:
        schema = request(server, "GET", entry["href"])
        assert schema.status == 200
        assert schema.json() == json_schema(entry["name"], engine.decision_models)
    assert request(server, "GET", "/v1/schemas/decisione").status == 404
    health = request(server, "GET", "/health").json()
    assert health["status"] == "ok" and health["default"] == engine.ruleset.version
    assert [ruleset["version"] for ruleset in health["rulesets"]] == [
        engine.ruleset.version,
        SECOND_VERSION,
    ]


def test_two_rule_set_versions_side_by_side(server: ServerProcess, second_rules: Path) -> None:
    second = Engine.from_path(second_rules)
    case = json.dumps(make_application())
    default = post(server, "/v1/decisions", case).json()
    other = post(server, f"/v1/rulesets/{SECOND_VERSION}/decisions", case)
    assert default["ruleset"]["version"] == "2026.11.0"
    assert other.json()["ruleset"]["version"] == SECOND_VERSION
    assert other.body == second.evaluate(case).to_json().encode()
    assert other.headers["capcoe-ruleset"].split()[1] == SECOND_VERSION
    listed = request(server, "GET", "/v1/rulesets").json()
    assert [(r["version"], r["default"]) for r in listed] == [
        ("2026.11.0", True),
        (SECOND_VERSION, False),
    ]
    assert request(server, "POST", "/v1/rulesets/1999/decisions", case.encode()).status == 404


def test_the_openapi_comes_from_the_models_and_every_reference_resolves(
    server: ServerProcess,
) -> None:
    openapi = request(server, "GET", "/openapi.json").json()
    components = openapi["components"]["schemas"]
    for needed in ("Application", "PaymentClaim", "AllocationRound", "ErrorBody"):
        assert needed in components
    assert any(name.startswith("ApplicationDecision_capcoe_2026_11_0") for name in components)
    references = set(_references(openapi))
    assert references, "no references at all"
    for reference in references:
        assert reference.startswith("#/components/schemas/")
        assert reference.removeprefix("#/components/schemas/") in components, reference
    for path in (
        "/v1/decisions",
        "/v1/decisions:batch",
        "/v1/allocations",
        "/v1/ruleset",
        "/health",
    ):
        assert path in openapi["paths"]
    docs = request(server, "GET", "/docs")
    assert docs.status == 200 and b"swagger" in docs.body.lower()


def _references(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from _references(value)
    elif isinstance(node, list):
        for item in node:
            yield from _references(item)


def test_a_rule_set_with_problems_stops_the_server_with_the_checker_messages(
    tmp_path: Path,
) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    rule_file = broken / "finanziamento" / "importi.yaml"
    rule_file.write_text(rule_file.read_text("utf-8").replace("params.", "parametri.", 1), "utf-8")
    completed = subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "--lang", "en", "serve", "--rules", str(broken)]
        + ["--port", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    assert f"{broken}/finanziamento/importi.yaml:" in completed.stderr
    assert " E012 " in completed.stderr
    assert "the server does not start" in completed.stderr


def test_graceful_shutdown_finishes_the_request_under_way(engine: Engine) -> None:
    good = json.dumps(make_application()).encode()
    with ServerProcess([RULES]) as running:
        connection = http.client.HTTPConnection(running.host, running.port, timeout=30)
        connection.putrequest("POST", "/v1/decisions:batch")
        connection.putheader("transfer-encoding", "chunked")
        connection.endheaders()
        connection.send(_chunk(good + b"\n"))
        response = connection.getresponse()
        assert response.readline()  # the request is under way
        running.terminate()
        _wait_until_refused(running)
        assert running.process is not None and running.process.poll() is None  # still finishing
        connection.send(_chunk(good + b"\n" + good + b"\n") + _chunk(b""))
        rest = response.read().decode().splitlines()
        connection.close()
        assert rest == [engine.evaluate(good).to_json()] * 2
        assert running.process.wait(timeout=30) == 0


def _wait_until_refused(running: ServerProcess) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((running.host, running.port), timeout=1):
                pass
        except OSError:
            return
        time.sleep(0.05)
    raise AssertionError("the server still accepts connections after SIGTERM")


def test_several_worker_processes_decide_alike(engine: Engine) -> None:
    case = json.dumps(make_application())
    with ServerProcess([RULES], workers=2) as running:
        answers = [post(running, "/v1/decisions", case) for _ in range(20)]
        assert {answer.body for answer in answers} == {engine.evaluate(case).to_json().encode()}
        assert running.stop() == 0


def test_the_server_says_what_it_serves_in_the_users_language(server: ServerProcess) -> None:
    english = os.environ.get("CAPCOE_LANG") == "en"
    log = server.log()
    if english:
        assert "from " in log and " under /v1/ and /v1/rulesets/2026.11.0/" in log
        assert "(OpenAPI: /docs), 1 worker(s)" in log
    else:
        assert " da " in log and " sotto /v1/ e /v1/rulesets/2026.11.0/" in log
        assert f" sotto /v1/rulesets/{SECOND_VERSION}/" in log
        assert "(OpenAPI: /docs), 1 processi di lavoro" in log


def test_the_service_refuses_to_start_with_no_rule_set() -> None:
    from capcoe_rules.service.app import create_app  # noqa: PLC0415 (the serve extra)

    with pytest.raises(ValueError, match="the service needs at least one rule set"):
        create_app([])


def test_the_openapi_document_says_a_decision_needs_a_body(engine: Engine) -> None:
    """What a client generated from the OpenAPI document sees: the case is required."""
    from capcoe_rules.service.app import create_app  # noqa: PLC0415 (the serve extra)

    document = create_app([engine]).openapi()
    for path in ("/v1/decisions", f"/v1/rulesets/{engine.ruleset.version}/decisions"):
        body = document["paths"][path]["post"]["requestBody"]
        assert body["required"] is True
        schemas = body["content"]["application/json"]["schema"]["oneOf"]
        assert {"$ref": "#/components/schemas/Application"} in schemas
