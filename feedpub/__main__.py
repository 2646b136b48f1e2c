"""``python -m feedpub``: the same as the ``feedpub`` command."""

from .cli import main

main(prog_name="feedpub")
