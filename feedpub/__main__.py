"""``python -m feedpub``: the same as the ``feedpub`` command."""

from .cli import run

run()
