"""Entry point of the installed ``controlroom`` command: the core's CLI plus the front end's verbs."""
from __future__ import annotations

import sys

from controlroom.cli import main as core_main
from ui.launch import FRONT_VERBS


def main(argv: list[str] | None = None) -> int:
    """``controlroom VERB …``: every verb; ``desk`` and ``demo`` open windows (:mod:`ui.launch`)."""
    return core_main(argv, front_verbs=FRONT_VERBS)


if __name__ == "__main__":
    sys.exit(main())
