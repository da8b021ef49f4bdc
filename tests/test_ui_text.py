"""Every window's text, as an operator sees it at 1280×720: in the Chinese UI, nothing left in English.

The windows are the real ones (desk on a real demo shop, its shortcut overlay, every settings tab,
every review tab on a real session log); :mod:`ui.textaudit` reads what they show.
"""
from __future__ import annotations

import re

import pytest

pytest.importorskip("pytestqt")

from tests.ui_windows import desk_views, review_views  # noqa: E402
from ui.textaudit import visible_texts  # noqa: E402

# Words that stay in Latin letters in the Chinese UI: names, keys, units and identifiers, not English prose.
KEEP_LATIN = {
    "SKU", "SKUs", "GMV", "CURVE", "ZeroMQ", "Esc", "Enter", "Ctrl", "Shift", "Alt", "Tab", "Space", "Home", "End",
    "PgUp", "PgDn", "Del", "Backspace", "controlroom", "SQLite", "JSON", "CSV", "PNG", "ms", "min", "tcp", "ipc",
    "localhost", "http", "https", "HTML", "Up", "Down", "Left", "Right", "Page", "Return", "Delete", "Ins", "Insert",
    "Webhook",  # the chat robots' own word, kept in Chinese (企业微信/钉钉/飞书 all say "Webhook")
}
WORD = re.compile(r"[A-Za-z][A-Za-z'’]{2,}")
# Identifiers shown as such: setting keys (``engine.history_max``), file names, paths, options.
IDENT = re.compile(r"[\w/~-]*[_./][\w./~-]*\w|--\w[\w-]*")  # ... and command-line options (--lang)


@pytest.fixture(scope="module")
def review_log(tmp_path_factory):
    from tests.test_review_demo import write_demo_session

    path = tmp_path_factory.mktemp("text") / "show.sqlite"
    model = write_demo_session(path, until_s=900.0)
    return path, model


def _data_words(model) -> set[str]:
    """Words that come from the shop's data (room, SKU ids and names), not from the UI."""
    words = set(WORD.findall(str(getattr(model, "room", ""))))
    snap = model.snapshot()
    for s in snap["skus"]:
        for v in s.values():
            if isinstance(v, str):
                words.update(WORD.findall(v))
    return words


def _identifiers() -> tuple[set[str], set[str]]:
    """(whole texts, words) that are identifiers, the same in every language: the settings dialog labels
    each field with its key's last part (its Chinese description beside it); the status line names the
    sound player in use."""
    from controlroom.settings import Settings
    from ui.sound import PLAYERS

    return {key.rsplit(".", 1)[-1] for key, *_ in Settings.describe()}, {"silent", "beep", "qsoundeffect", *PLAYERS}


def english_left(texts, allowed: set[str], whole: set[str] = frozenset()) -> list[str]:
    out = []
    for t in texts:
        bare = t.text.strip()
        if bare in whole:  # a whole text that is one identifier (a settings key's last part)
            continue
        text = t.text.replace("\u200b", "")  # zero-width spaces (where a long path may wrap) are not seen
        words = [w for w in WORD.findall(IDENT.sub(" ", text)) if w not in KEEP_LATIN and w not in allowed]
        if words:
            out.append(f"{t.kind} {t.where}: {t.text!r} ({', '.join(words)})")
    return out


def _views(lang, review_log, tmp_path):
    yield from desk_views(lang)
    yield from review_views(lang, review_log[0], tmp_path)


def test_no_english_left_in_the_chinese_windows(qtbot, review_log, tmp_path):
    """Every visible string (labels, buttons, tabs, headers, menus, tooltips) of every window is in Chinese."""
    from ui.app import make_app

    keys, players = _identifiers()
    allowed = _data_words(review_log[1]) | players
    found: dict[str, list[str]] = {}
    names = []
    try:
        for name, top in _views("zh_CN", review_log, tmp_path):
            names.append(name)
            shop_words = set()
            bridge = getattr(top, "bridge", None) or getattr(getattr(top, "parent", lambda: None)(), "bridge", None)
            if bridge is not None and bridge.current is not None:
                shop_words = {w for v in bridge.current.skus for w in WORD.findall(f"{v.sku} {v.name}")}
                shop_words |= set(WORD.findall(bridge.current.room or ""))
            left = english_left(visible_texts(top), allowed | shop_words, keys)
            if left:
                found[name] = left
    finally:
        make_app("en")
    assert {"desk", "desk+shortcuts"} <= set(names) and any(n.startswith("settings[") for n in names) \
        and any(n.startswith("review[") for n in names)
    assert found == {}, "\n".join(f"[{n}] {x}" for n, xs in found.items() for x in xs)
