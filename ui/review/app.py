"""``run_review_window(paths, lang)``: the review window as an application (``controlroom review FILE``)."""
from __future__ import annotations

import sys


def run_review_window(paths: list[str], lang: str | None = None) -> int:
    """Open the review window on ``paths`` (the first shown, the others in Compare); run until it closes."""
    from ui.app import make_app, resolve_lang
    from ui.review.window import ReviewWindow

    try:
        lang = resolve_lang(lang)
    except ValueError as e:
        print(f"controlroom review: {e}", file=sys.stderr)
        return 2
    app = make_app(lang)
    win = ReviewWindow()
    win.show()
    if paths:
        win.open_path(paths[0])
        for p in paths[1:]:
            win.open_path(p, compare=True)
    app.setQuitOnLastWindowClosed(True)
    return int(app.exec() or 0)
