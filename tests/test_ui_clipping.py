"""Every window at 1280×720, in Chinese and in English: no label, button, tab or header elided or clipped.

The windows are the real ones (:mod:`tests.ui_windows`: desk on a real demo shop, its shortcut overlay,
every settings tab, every review tab on a real session log); :func:`ui.textaudit.clipped` measures
each text against the space its widget got.
"""
from __future__ import annotations

from itertools import chain

import pytest

pytest.importorskip("pytestqt")

from tests.ui_windows import SIZE, desk_views, review_views  # noqa: E402
from ui.textaudit import clipped  # noqa: E402


@pytest.fixture(scope="module")
def review_log(tmp_path_factory):
    from tests.test_review_demo import write_demo_session

    path = tmp_path_factory.mktemp("clip") / "show.sqlite"
    write_demo_session(path, until_s=900.0)
    return path


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_nothing_elided_or_clipped_at_1280x720(qtbot, review_log, tmp_path, lang):
    """Labels, buttons, tabs and headers of every window fit at 1280×720, and the window fits the screen."""
    from ui.app import make_app

    found: dict[str, list[str]] = {}
    try:
        for name, top in chain(desk_views(lang), review_views(lang, review_log, tmp_path)):
            bad = [f"{t.kind} {t.where}: {t.text!r} — {why}" for t, why in clipped(top)]
            if top.isWindow() and (top.width() > SIZE[0] or top.height() > SIZE[1]):
                bad.append(f"window is {top.width()}×{top.height()}, larger than {SIZE[0]}×{SIZE[1]}")
            if bad:
                found[name] = bad
    finally:
        make_app("en")
    assert found == {}, "\n".join(f"[{n}] {x}" for n, xs in found.items() for x in xs)
