"""The settings as written: the table of ``feedpub.toml`` or ``[tool.feedpub]``, and the line
each key is set on, for messages."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigError
from ..files import long_number
from ._folders import PYPROJECT_NAME


@dataclass(frozen=True)
class Source:
    """A site's settings file, read (or none: every setting at its default)."""

    #: The file, or ``None`` when the site has none.
    path: Path | None = None
    #: The settings as the file has them, by key.
    settings: dict[str, Any] = field(default_factory=dict)
    #: The file's text.
    text: str = ""
    #: The name of the table holding the settings (``tool.feedpub``); ``None``: the top level.
    table: str | None = None

    def line(self, key: str) -> int | None:
        """The line where ``key`` is set, if it is."""
        if self.path is None:
            return None
        current: str | None = None
        assignment = re.compile(rf"""^\s*(?:{re.escape(key)}|"{re.escape(key)}")\s*=""")
        for number, line in enumerate(self.text.splitlines(), start=1):
            header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
            if header:
                current = header.group(1)
            elif current == self.table and assignment.match(line):
                return number
        return None


def read_source(config: Path) -> Source:
    """The settings of the file ``config``. Raises :class:`ConfigError` (FP001) when it cannot
    be read, is not TOML, or is a ``pyproject.toml`` without a ``[tool.feedpub]`` table."""
    text = _text(config)
    data = _toml(text, config)
    if config.name != PYPROJECT_NAME:
        return Source(config, data, text)
    tool = data.get("tool")
    settings = tool.get("feedpub") if isinstance(tool, dict) else None
    if settings is None:
        raise ConfigError(
            "has no [tool.feedpub] table; add one, or use feedpub.toml", config, code="FP001"
        )
    if not isinstance(settings, dict):
        raise ConfigError("tool.feedpub must be a table ([tool.feedpub])", config, code="FP001")
    return Source(config, settings, text, "tool.feedpub")


def _text(config: Path) -> str:
    try:
        return config.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError("no such configuration file", config, code="FP001") from None
    except (OSError, UnicodeDecodeError) as e:
        reason = "it is not UTF-8 text" if isinstance(e, UnicodeDecodeError) else e.strerror
        raise ConfigError(
            f"cannot read the configuration ({reason})", config, code="FP001"
        ) from None


def _toml(text: str, config: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise ConfigError(
            "not valid TOML (arrays or tables nested too deeply)", config, code="FP001"
        ) from None
    except tomllib.TOMLDecodeError as e:
        match = re.search(r"\(at line (\d+), column \d+\)", str(e))
        message = re.sub(r"\s*\(at line.*\)", "", str(e))
        raise ConfigError(
            f"not valid TOML ({message}); check quotes and '=' signs",
            config,
            int(match.group(1)) if match else None,
            "FP001",
        ) from None
    except ValueError as e:  # an integer of more than 4,300 digits, which Python refuses
        told = long_number(e, text)
        if told is None:
            raise
        raise ConfigError(f"not valid TOML: {told[0]}", config, told[1], "FP001") from None
