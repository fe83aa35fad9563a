"""The help of the command line in Italian and English, from one catalogue.

Every command and every one of its parameters has a text in both languages (none
missing, none empty, the same placeholders), and ``--help`` shows it in the language
chosen: Italian by default, English with ``--lang en`` or ``CAPCOE_LANG=en``; an unknown
language is an error (exit 2) in both languages.
"""

from __future__ import annotations

import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.main import get_command
from typer.testing import CliRunner

from capcoe_rules.cli import app
from capcoe_rules.cli.catalogue import COMMANDS, HELP, MESSAGES, WORDS, Said
from capcoe_rules.cli.localized import help_key

runner = CliRunner()


def _group() -> typer.core.TyperGroup:
    group = get_command(app)
    assert isinstance(group, typer.core.TyperGroup)
    return group


def _parameters(name: str) -> list[str]:
    command = _group().commands[name]
    return [param.name for param in command.params if param.name]


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_and_parameter_has_a_text_in_both_languages(name: str) -> None:
    keys = [name, f"{name}.summary"] + [help_key(name, p) for p in _parameters(name)]
    missing = [key for key in keys if key not in HELP]
    assert missing == []
    for key in keys:
        assert HELP[key].it.strip() and HELP[key].en.strip(), key
        assert HELP[key].it != HELP[key].en, f"{key}: the Italian text is the English one"


def test_the_catalogue_lists_exactly_the_commands_the_modules_define() -> None:
    group = _group()
    for name in COMMANDS:  # builds each command: imports its module
        assert group.commands[name].name == name
    registered = {info.name for info in app.registered_commands}
    assert registered == set(COMMANDS)


def test_every_help_entry_belongs_to_a_command_or_is_shared() -> None:
    parameters = {name: set(_parameters(name)) for name in COMMANDS}
    for key in HELP:
        owner, _, rest = key.partition(".")
        if owner in ("app", "option") or rest == "summary" or not rest:
            continue
        assert owner in COMMANDS, key
        assert rest in parameters[owner], f"{key}: {owner} has no parameter {rest}"


@pytest.mark.parametrize(
    ("key", "said"), [*HELP.items(), *MESSAGES.items(), *WORDS.items()], ids=str
)
def test_both_languages_have_the_same_placeholders(key: str, said: Said) -> None:
    assert said.it.strip() and said.en.strip(), key
    assert _fields(said.it) == _fields(said.en), key


@pytest.mark.parametrize("name", list(COMMANDS))
def test_help_of_each_command_is_italian_by_default_and_english_on_request(name: str) -> None:
    italian = runner.invoke(app, [name, "--help"], env={"CAPCOE_LANG": None})
    english = runner.invoke(app, ["--lang", "en", name, "--help"], env={"CAPCOE_LANG": None})
    from_environment = runner.invoke(app, [name, "--help"], env={"CAPCOE_LANG": "en"})
    assert italian.exit_code == english.exit_code == from_environment.exit_code == 0
    first_paragraph = {lang: getattr(HELP[name], lang).split("\n\n")[0] for lang in ("it", "en")}
    assert _words(first_paragraph["it"]) <= _words(italian.output)
    assert _words(first_paragraph["en"]) <= _words(english.output)
    assert english.output == from_environment.output
    assert "Uso:" in italian.output and "Opzioni:" in italian.output
    assert "Usage:" in english.output and "Options:" in english.output
    assert "Mostra questo aiuto ed esce." in italian.output
    assert "Show this message and exit." in english.output


def test_the_list_of_commands_in_both_languages() -> None:
    italian = runner.invoke(app, ["--help"], env={"CAPCOE_LANG": None})
    english = runner.invoke(app, ["--lang", "en", "--help"], env={"CAPCOE_LANG": None})
    assert italian.exit_code == english.exit_code == 0
    assert "Comandi:" in italian.output and "Commands:" in english.output
    for name in COMMANDS:
        assert _words(HELP[f"{name}.summary"].it) <= _words(italian.output), name
        assert _words(HELP[f"{name}.summary"].en) <= _words(english.output), name


def test_lang_after_help_still_chooses_the_language() -> None:
    result = runner.invoke(app, ["check", "--help", "--lang", "en"], env={"CAPCOE_LANG": None})
    assert result.exit_code == 0
    assert "Usage:" in result.output


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["--lang", "fr", "--help"], {}),
        (["check", "--lang", "fr", "--help"], {}),
        (["--help"], {"CAPCOE_LANG": "fr"}),
        (["check", "rules"], {"CAPCOE_LANG": "de"}),
    ],
)
def test_an_unknown_language_is_an_error_in_both_languages(
    args: list[str], env: dict[str, str]
) -> None:
    result = runner.invoke(app, args, env={"CAPCOE_LANG": None, **env})
    assert result.exit_code == 2
    assert "non è una lingua di capcoe-rules" in result.output
    assert "is not a language of capcoe-rules" in result.output


def test_a_message_of_a_command_in_both_languages(tmp_path: object) -> None:
    missing = "nowhere-at-all"
    italian = runner.invoke(app, ["check", missing], env={"CAPCOE_LANG": None})
    english = runner.invoke(app, ["--lang", "en", "check", missing], env={"CAPCOE_LANG": None})
    assert italian.exit_code == english.exit_code == 2
    assert f"{missing} non è una cartella di file di regole" in italian.output
    assert f"{missing} is not a directory of rule files" in english.output


def test_the_installed_command_speaks_english_with_the_environment() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "capcoe_rules", "--help"],
        capture_output=True,
        text=True,
        env={"CAPCOE_LANG": "en", "PATH": ""},
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Usage:" in result.stdout and "Commands:" in result.stdout


def _words(text: str) -> set[str]:
    """The words of a text, whatever the line breaks the help formatter chose."""
    return set(text.split())


@pytest.mark.parametrize(
    ("args", "italian", "english"),
    [
        (["check", "--format", "xml"], "valore non valido per '--format'", "Invalid value"),
        (["check", "--fromat", "json"], "opzione sconosciuta: --fromat", "No such option"),
        (["chek"], "comando sconosciuto 'chek'. Forse 'check'", "No such command 'chek'"),
        (["batch"], "manca l'argomento 'source'", "Missing argument 'source'"),
        (["check", "a", "b"], "argomenti in più, non previsti: b", "unexpected extra"),
    ],
)
def test_a_bad_command_line_is_said_in_the_language(
    args: list[str], italian: str, english: str
) -> None:
    said_in_italian = runner.invoke(app, args, env={"CAPCOE_LANG": None})
    said_in_english = runner.invoke(app, ["--lang", "en", *args], env={"CAPCOE_LANG": None})
    assert said_in_italian.exit_code == said_in_english.exit_code == 2
    assert italian in said_in_italian.output and "Errore:" in said_in_italian.output
    assert english in said_in_english.output and "Error:" in said_in_english.output


def test_no_command_shows_the_help_with_every_command() -> None:
    result = runner.invoke(app, [])
    assert result.exit_code == 2
    assert result.output.startswith("Uso: capcoe-rules [OPZIONI] COMANDO [ARGOMENTI]...")
    listed = result.output.split("Comandi:", 1)[1]
    for name in ("check", "evaluate", "batch", "analyze", "serve"):
        assert f"\n  {name} " in listed


def test_serve_listens_where_the_readme_says_by_default() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text("utf-8")
    documented = re.search(r"on `([\d.]+):(\d+)` by default", readme)
    assert documented is not None
    host, port = documented.groups()
    result = runner.invoke(app, ["--lang", "en", "serve", "--help"])
    assert result.exit_code == 0, result.output
    assert f"[default: {host}]" in result.output
    assert f"[default: {port};" in " ".join(result.output.split())
