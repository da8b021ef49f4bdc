"""``python -m controlroom.settings``: print ``docs/settings.md``."""
import sys

from controlroom.settings.markdown import settings_markdown

if __name__ == "__main__":  # not when a tool merely imports every module
    sys.stdout.write(settings_markdown())
