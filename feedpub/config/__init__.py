"""Site settings: ``feedpub.toml`` or ``[tool.feedpub]`` in ``pyproject.toml``, checked once.

Every value is validated here, so later stages receive a :class:`Site` that cannot make feedgen
fail. Unknown keys and bad values are errors naming the file, line and key.

The settings are a table, one row per key (``_settings.py``); :func:`load_site` (``_load.py``)
reads the file (``_source.py``), applies the rows, then checks what the values mean
(``_values.py``) and the folders (``_folders.py``).
"""

from __future__ import annotations

from ._folders import CONFIG_NAME, PYPROJECT_NAME, check_folders, find_site_config
from ._load import load_site
from ._settings import DEFAULTS, SETTINGS, Setting, parse_size
from ._values import is_base_url, path_problem

__all__ = [
    "CONFIG_NAME",
    "DEFAULTS",
    "PYPROJECT_NAME",
    "SETTINGS",
    "Setting",
    "check_folders",
    "find_site_config",
    "is_base_url",
    "load_site",
    "parse_size",
    "path_problem",
]
