"""The version of feedpub (read by pyproject.toml; a constant so that no import has to ask
the package metadata, which costs a noticeable share of a warm build)."""

__version__ = "0.1.0"
