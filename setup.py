"""Package list for setuptools (everything else is in pyproject.toml).

``resources/`` (icons, styles, sounds, translations) sits at the top of the tree, as the design asks,
and is installed as the data-only package ``controlroom_resources``, which ``ui.paths.resource``
finds through importlib.resources in a checkout, an installed wheel and a PyInstaller bundle alike.
pyproject.toml cannot combine package discovery with one renamed package, hence this file.
"""
from setuptools import find_packages, setup

# Data folders (setuptools wants each listed, as it can import them as namespace packages).
RESOURCE_DIRS = ("icons", "styles", "sounds", "translations")

setup(
    packages=find_packages(include=["controlroom", "controlroom.*", "ui", "ui.*"])
    + ["controlroom_resources"] + [f"controlroom_resources.{d}" for d in RESOURCE_DIRS],
    package_dir={"controlroom_resources": "resources"},
    package_data={f"controlroom_resources.{d}": ["*"] for d in RESOURCE_DIRS},
)
