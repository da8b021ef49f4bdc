"""pyqtgraph plot items that die with their window, in an order Qt and Python agree on.

Every ``PlotItem`` builds a "Plot Options" ``QMenu`` with no parent (and its sub-menus and
control widgets).  Nothing deletes it when the plot's window goes, so each closed desk or review
window left about forty hidden widgets behind; over a long day of opening logs and desks (and over
the test suite) they pile up, and Qt's walks over every widget (style and palette changes, focus)
grow with them.  :func:`adopt_plot_menus` hands those menus to the view that shows the plots.

A window's C++ destructor deletes its plot scenes item by item, and on the way Qt may still call an
item's Python ``boundingRect`` after the item's view box has gone: pyqtgraph's ``InfiniteLine``
then raises (and in CI a crash followed).  :func:`guard_infinite_lines` makes every line answer an
empty rectangle instead.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QWidget


def _guarded(compute):
    def compute_bounds(line: pg.InfiniteLine) -> QRectF:
        try:
            return compute(line)
        except AttributeError:  # its view box has gone (the weak reference died), its view rect is still cached
            return QRectF()

    compute_bounds.guarded = True
    compute_bounds.unguarded = compute
    return compute_bounds


def guard_infinite_lines() -> None:
    """Make every ``InfiniteLine`` (ours, and those inside ``LinearRegionItem``) answer an empty rectangle,
    not raise, when asked for its bounds after its view box has gone.  Idempotent."""
    compute = pg.InfiniteLine._computeBoundingRect
    if not getattr(compute, "guarded", False):
        pg.InfiniteLine._computeBoundingRect = _guarded(compute)


# Every module that draws plots imports this one, so the guard is in place before the first line exists.
guard_infinite_lines()


def adopt_plot_menu(plot: pg.PlotItem, owner: QWidget) -> pg.PlotItem:
    """Make ``owner`` the parent of ``plot``'s options menu, so Qt deletes it with ``owner``."""
    menu = plot.ctrlMenu
    if menu is not None and menu.parent() is None:
        menu.setParent(owner, menu.windowFlags())  # keep it a popup, now owned
    return plot


def adopt_plot_menus(view: pg.GraphicsView) -> None:
    """Adopt the options menu of every plot now in ``view``'s scene (call once its plots are made)."""
    for item in view.scene().items():
        if isinstance(item, pg.PlotItem):
            adopt_plot_menu(item, view)
