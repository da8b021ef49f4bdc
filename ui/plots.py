"""pyqtgraph plot items that die with their window.

Every ``PlotItem`` builds a "Plot Options" ``QMenu`` with no parent (and its sub-menus and
control widgets).  Nothing deletes it when the plot's window goes, so each closed desk or review
window left about forty hidden widgets behind; over a long day of opening logs and desks (and over
the test suite) they pile up, and Qt's walks over every widget (style and palette changes, focus)
grow with them.  :func:`adopt_plot_menus` hands those menus to the view that shows the plots.
"""
from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtWidgets import QWidget


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
