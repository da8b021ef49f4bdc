"""The app's resources (icons, stylesheets, sounds, translations) as a data-only package.

Installed as ``controlroom_resources`` (see ``pyproject.toml``) and found at run time through
:func:`ui.paths.resource`, from a checkout, an installed wheel or a PyInstaller bundle alike.
"""
