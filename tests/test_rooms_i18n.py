"""Every string the rooms overview marks for translation has its Chinese in ui/rooms/zh.py (folded in by ui.i18n)."""
import re
from pathlib import Path

from ui.rooms.zh import ROOMS_ZH

UI_ROOMS = Path(__file__).resolve().parents[1] / "ui" / "rooms"


def test_every_rooms_string_has_chinese():
    marked = set()
    for p in UI_ROOMS.glob("*.py"):
        marked |= {m.encode().decode("unicode_escape") if "\\" in m else m
                   for m in re.findall(r'self\.tr\("((?:[^"\\]|\\.)*)"\)', p.read_text(encoding="utf-8"))}
    assert marked, "no marked strings found: the pattern is wrong"
    missing = sorted(marked - set(ROOMS_ZH))
    assert not missing, missing
    for src, zh in ROOMS_ZH.items():  # placeholders survive translation
        assert set(re.findall(r"\{\w+\}", src)) == set(re.findall(r"\{\w+\}", zh)), src
