"""The manual in docs/ builds, and cannot fall behind the code: every command has its page with
its generated reference, every option shows in it, every setting is on the configuration page,
and the error-codes page has exactly the codes of feedpub/errors.py."""

from __future__ import annotations

import html
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

import feedpub.cli
from feedpub.cli import main
from feedpub.config import DEFAULTS, SETTINGS
from feedpub.errors import CODES

from .conftest import REPO

DOCS = REPO / "docs"

#: A `::: mkdocs-click` block and its `:option: value` lines.
CLICK_BLOCK = re.compile(r"^::: mkdocs-click\n((?:[ \t]+:\w+:.*\n?)+)", re.MULTILINE)


def click_blocks(page: Path) -> list[dict[str, str]]:
    """The options of each `::: mkdocs-click` block of a page."""
    blocks = []
    for match in CLICK_BLOCK.finditer(page.read_text(encoding="utf-8")):
        fields = re.findall(r"^[ \t]+:(\w+):[ \t]*(.*?)[ \t]*$", match.group(1), re.MULTILINE)
        blocks.append(dict(fields))
    return blocks


def table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row of a text (separator rows left out)."""
    rows = []
    for line in text.splitlines():
        if line.startswith("|") and not re.fullmatch(r"[|\s:-]+", line):
            rows.append([cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip("|"))])
    return rows


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The manual built by `mkdocs build --strict` (any warning is an error), into a tmp dir."""
    out = tmp_path_factory.mktemp("site")
    config = str(REPO / "mkdocs.yml")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return out


def test_mkdocs_build_strict_passes(site: Path) -> None:
    assert (site / "index.html").is_file()
    assert (site / "architecture" / "index.html").is_file()


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_its_page_with_its_generated_reference(name: str) -> None:
    page = DOCS / "commands" / f"{name}.md"
    assert page.is_file(), f"no page for 'feedpub {name}': write docs/commands/{name}.md"
    blocks = click_blocks(page)
    assert len(blocks) == 1, f"{page.name}: expected one '::: mkdocs-click' block"
    (block,) = blocks
    assert block.get("module") == "feedpub.cli"
    assert getattr(feedpub.cli, block.get("command", ""), None) is main.commands[name], block
    assert block.get("prog_name") == f"feedpub {name}"
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert f"commands/{name}.md" in nav, f"docs/commands/{name}.md is not in mkdocs.yml's nav"


def test_the_commands_page_documents_the_group_and_every_command_page_is_a_command() -> None:
    (block,) = click_blocks(DOCS / "commands" / "index.md")
    assert getattr(feedpub.cli, block["command"]) is main
    pages = {p.stem for p in (DOCS / "commands").glob("*.md")} - {"index"}
    assert pages == set(main.commands)


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_option_shows_in_the_built_reference(site: Path, name: str) -> None:
    """mkdocs-click writes every option the command has; a hidden one would be undocumented."""
    page = (site / "commands" / name / "index.html").read_text(encoding="utf-8")
    # only what mkdocs-click generated, under the page's last heading, not the prose above it
    text = html.unescape(page.split('id="reference"', 1)[1])
    command = main.commands[name]
    assert f"feedpub {name} [OPTIONS]" in text
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            for flag in parameter.opts + parameter.secondary_opts:
                assert re.search(rf"(?<![\w-]){re.escape(flag)}(?![\w-])", text), (
                    f"'feedpub {name}' option {flag} is not in its generated reference"
                )


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_line_of_a_commands_help_shows_in_its_generated_reference(
    site: Path, name: str
) -> None:
    """mkdocs-click writes a command's help as Markdown: text like <slug> would vanish as an
    unknown HTML tag. Placeholders are written in capitals (OUTPUT/categories/SLUG/)."""
    page = (site / "commands" / name / "index.html").read_text(encoding="utf-8")
    generated = re.sub(r"<[^>]+>", " ", page.split('id="reference"', 1)[1])
    shown = " ".join(html.unescape(generated).split())
    for line in inspect.cleandoc(main.commands[name].help or "").splitlines():
        line = " ".join(line.replace("\b", "").split())
        assert line in shown, f"'feedpub {name} --help' line not in its reference: {line!r}"


def test_every_setting_is_on_the_configuration_page() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = {
        m.group(1) for row in table_rows(text) if (m := re.fullmatch(r"`([a-z_]+)`", row[0]))
    }
    assert sorted(set(DEFAULTS) - documented) == [], "settings missing from configuration.md"
    assert sorted(documented - set(DEFAULTS)) == [], "configuration.md has unknown settings"


def test_the_configuration_page_is_the_settings_table() -> None:
    """Each row of the page's table is a row of feedpub/config/_settings.py: the same keys, and
    for each the default and the meaning the row gives, word for word."""
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = {
        m.group(1): row[1:]
        for row in table_rows(text)
        if (m := re.fullmatch(r"`([a-z_]+)`", row[0]))
    }
    assert documented == {s.name: [s.shown, s.meaning] for s in SETTINGS}


def test_the_error_codes_page_has_exactly_the_codes_of_errors_py() -> None:
    text = (DOCS / "error-codes.md").read_text(encoding="utf-8")
    table = {row[0]: row[1] for row in table_rows(text) if re.fullmatch(r"FP\d{3}", row[0])}
    code_severity = {code: severity for code, (severity, _) in CODES.items()}
    assert sorted(set(code_severity) - set(table)) == [], "codes missing from error-codes.md"
    assert sorted(set(table) - set(code_severity)) == [], "error-codes.md has unknown codes"
    assert table == code_severity, "a severity on error-codes.md differs from errors.py"


def test_the_readme_is_a_landing_page_whose_links_lead_into_docs() -> None:
    readme = REPO / "README.md"
    assert readme.stat().st_size < 10 * 1024, "README.md is the landing page: keep it under 10 KB"
    text = readme.read_text(encoding="utf-8")
    links = re.findall(r"\]\((?!https?://|#)([^)#\s]+)", text)
    assert any(link.startswith("docs/") for link in links)
    missing = [link for link in links if not (REPO / link).exists()]
    assert missing == [], "README.md links to files that do not exist"


def test_the_architecture_page_names_every_module_and_package() -> None:
    # The map the code's comments cite: a module or package added without its place in the
    # layers on docs/architecture.md fails here.
    page = (REPO / "docs" / "architecture.md").read_text()
    package = REPO / "feedpub"
    names = [p.name for p in package.iterdir() if p.suffix == ".py" or (p / "__init__.py").exists()]
    for name in names:
        if name in ("__init__.py", "__main__.py"):
            continue
        shown = f"`{name}/`" if not name.endswith(".py") else f"`{name}`"
        assert shown in page, f"{shown} is not on docs/architecture.md"
    for inner in package.glob("*/_*.py"):
        if inner.name != "__init__.py":
            assert f"`{inner.name}`" in page, f"{inner} is not on docs/architecture.md"
