"""Where the app's resources are: one helper for a checkout, an installed wheel and a PyInstaller bundle.

The folder ``resources/`` at the top of the source tree is installed (and bundled by ``build.spec``)
as the data-only package ``controlroom_resources``, so :mod:`importlib.resources` finds it wherever
the app runs. A checkout run without installing (``PYTHONPATH=.``) has no such package; it then
falls back to the folder beside ``ui/``.
"""
from __future__ import annotations

import importlib.resources
from functools import lru_cache
from pathlib import Path

PACKAGE = "controlroom_resources"


@lru_cache(maxsize=1)
def resources_root() -> Path:
    """The resources folder as a real path (Qt wants file names for icons, QSS and translations)."""
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parent.parent / "resources"
    return Path(str(root))


def resource(*parts: str) -> Path:
    """``resource("icons", "freeze.svg")``: the path of one resource file or folder."""
    return resources_root().joinpath(*parts)
