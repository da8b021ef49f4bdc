"""``python -m controlroom.settings``: print ``docs/settings.md``."""
import sys

from controlroom.settings.markdown import settings_markdown

sys.stdout.write(settings_markdown())
