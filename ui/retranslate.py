"""Live language switching: a text set through :func:`keep` is set again after every language switch.

Qt's way is a ``retranslateUi()`` per widget run from ``changeEvent(LanguageChange)``; here each
widget keeps, next to where it makes a text, the few lines that set it (``keep(self, lambda:
label.setText(self.tr("Room")))``), so the text is written once, ``lupdate`` still finds the
``self.tr`` call, and nothing needs a second list of a widget's strings.  The kept setters live
on the widget that kept them (they go with it); :func:`retranslate_all`, called by
:func:`ui.app.switch_language` after the translators are swapped, runs those of every live widget.

Texts made afresh on every refresh (figures, states, the status bar) need nothing: the next refresh
writes them in the new language.  What caches translated text (the table models) keeps a setter
that drops its cache and tells its views (``headerDataChanged``/``dataChanged``).
"""
from __future__ import annotations

from typing import Callable

_ATTR = "_controlroom_retranslate"


def keep(owner, apply: Callable[[], None], *, late: bool = False) -> None:
    """Run ``apply()`` now and again after every language switch, for as long as ``owner`` (a QWidget) lives.

    ``late``: after every other widget's texts (for what is built from other widgets' texts, e.g. the
    help card's rows from the actions' names)."""
    apply()
    items = getattr(owner, _ATTR, None)
    if items is None:
        items = []
        setattr(owner, _ATTR, items)
    items.append((late, apply))


def retranslate_all(app) -> int:
    """Run the kept setters of every widget of ``app`` (the late ones last); returns how many ran."""
    kept = [items for w in app.allWidgets() if (items := getattr(w, _ATTR, None))]
    n = 0
    for late_pass in (False, True):
        for items in kept:
            for late, apply in items:
                if late == late_pass:
                    apply()
                    n += 1
    return n
