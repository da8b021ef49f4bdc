"""What a window shows as text, and whether each piece fits: for the translation and clipping tests.

:func:`visible_texts` walks a window's visible widgets and returns every label, button, tab,
header, group title, menu entry and tooltip text with where it came from.  :func:`clipped`
returns the labels, buttons, tabs and headers whose text does not fit the space the layout gave
them (Qt would elide or cut it), reach outside the window or lie under another widget (a toast, a
panel) — full-window overlays opened on purpose excepted.  Display only; used by tests.
"""
from __future__ import annotations

from dataclasses import dataclass

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QTextDocument
from PySide6.QtWidgets import QAbstractButton, QAbstractItemView, QAbstractScrollArea, QComboBox, QGroupBox, QHeaderView, QLabel, \
    QMainWindow, QMenu, QStyle, QTabBar, QWidget

SLACK_PX = 1  # rounding between font metrics and layout


@dataclass(frozen=True)
class Text:
    """One visible text: ``kind`` (label, button, tab, header, group, menu, tooltip, title), the widget's path."""

    kind: str
    where: str
    text: str


def _path(w: QWidget, top: QWidget) -> str:
    parts = []
    while w is not None and w is not top:
        parts.append(w.objectName() or type(w).__name__)
        w = w.parentWidget()
    return "/".join(reversed(parts)) or type(top).__name__


def plain(text: str) -> str:
    """Rich text as the user reads it (tags and entities gone)."""
    if "<" in text and QtGui.Qt.mightBeRichText(text):
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _shown(w: QWidget, top: QWidget) -> bool:
    return w.isVisibleTo(top) and w.width() > 0 and w.height() > 0


def _header_texts(h: QHeaderView) -> list[tuple[int, str]]:
    model = h.model()
    if model is None:
        return []
    out = []
    for i in range(h.count()):
        if h.isSectionHidden(i) or h.sectionSize(i) <= 0:
            continue
        t = model.headerData(i, h.orientation(), Qt.ItemDataRole.DisplayRole)
        if t:
            out.append((i, str(t)))
    return out


def _menus(top: QWidget) -> list[QMenu]:
    out = []
    if isinstance(top, QMainWindow) and top.menuWidget() is not None:
        for a in top.menuBar().actions():
            if a.menu() is not None:
                out.append(a.menu())
    return out


def visible_texts(top: QWidget, *, tooltips: bool = True) -> list[Text]:
    """Every text ``top`` shows (widgets visible within it), menus and tooltips included."""
    out = [Text("title", type(top).__name__, top.windowTitle())] if top.windowTitle() else []
    for w in [top, *top.findChildren(QWidget)]:
        if w is not top and not _shown(w, top):
            continue
        where = _path(w, top)
        if isinstance(w, QLabel) and w.text() and not w.pixmap():
            out.append(Text("label", where, plain(w.text())))
        elif isinstance(w, QAbstractButton) and w.text():
            out.append(Text("button", where, w.text().replace("&&", "\0").replace("&", "").replace("\0", "&")))
        elif isinstance(w, QTabBar):
            out.extend(Text("tab", f"{where}[{i}]", w.tabText(i)) for i in range(w.count()) if w.tabText(i))
        elif isinstance(w, QHeaderView):
            out.extend(Text("header", f"{where}[{i}]", t) for i, t in _header_texts(w))
        elif isinstance(w, QGroupBox) and w.title():
            out.append(Text("group", where, w.title()))
        elif isinstance(w, QComboBox) and w.currentText():
            out.append(Text("combo", where, w.currentText()))
        if tooltips and w.toolTip():
            out.append(Text("tooltip", where, plain(w.toolTip())))
    for m in _menus(top):
        out.append(Text("menu", m.title(), m.title().replace("&", "")))
        for a in m.actions():
            if a.text() and not a.isSeparator():
                out.append(Text("menu", m.title(), a.text().replace("&", "")))
    return [t for t in out if t.text.strip()]


def _fits_label(w: QLabel) -> str | None:
    text = w.text()
    rect = w.contentsRect()
    m = w.margin() * 2 + w.indent() * (1 if w.indent() > 0 else 0)
    avail_w, avail_h = rect.width() - m, rect.height() - w.margin() * 2
    if QtGui.Qt.mightBeRichText(text) and "<" in text or w.textFormat() == Qt.TextFormat.RichText:
        doc = QTextDocument()
        doc.setDefaultFont(w.font())
        doc.setDocumentMargin(0)
        doc.setHtml(text)
        if w.wordWrap():
            doc.setTextWidth(max(1, avail_w))
            need_w, need_h = 0.0, doc.size().height()
        else:
            need_w, need_h = doc.idealWidth(), doc.size().height()
    else:
        fm = QFontMetrics(w.font())
        if w.wordWrap():
            need_w = 0.0
            need_h = w.heightForWidth(rect.width()) - w.margin() * 2 if w.heightForWidth(rect.width()) > 0 else 0
        else:
            lines = text.split("\n")
            need_w = max(fm.horizontalAdvance(s) for s in lines)
            need_h = fm.height() * len(lines)
    if need_w > avail_w + SLACK_PX:
        return f"needs {need_w:.0f} px wide, has {avail_w}"
    # Vertically a label paints its text centred and is cut only at its own edge (its padding takes the rest).
    if need_h > w.height() + SLACK_PX:
        return f"needs {need_h:.0f} px high, has {w.height()}"
    return None


def _fits_button(w: QAbstractButton) -> str | None:
    need = w.sizeHint()
    if need.width() > w.width() + SLACK_PX:
        return f"needs {need.width()} px wide, has {w.width()}"
    if need.height() > w.height() + SLACK_PX + 4:  # a flat tool button may be a little shorter than its hint
        return f"needs {need.height()} px high, has {w.height()}"
    return None


def _header_clips(h: QHeaderView) -> list[tuple[int, str, str]]:
    fm = QFontMetrics(h.font())
    margin = h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, h)
    sort = 0
    view = h.parentWidget()
    if isinstance(view, QAbstractItemView) and getattr(view, "isSortingEnabled", lambda: False)() \
            and h.isSortIndicatorShown():
        sort = h.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMarkSize, None, h) + margin
    out = []
    for i, t in _header_texts(h):
        lines = t.split("\n")
        if h.orientation() == Qt.Orientation.Horizontal:
            need = max(fm.horizontalAdvance(s) for s in lines) + 2 * margin
            if i == h.sortIndicatorSection():
                need += sort
            have = h.sectionSize(i)
            if need > have + SLACK_PX:
                out.append((i, t, f"needs {need} px wide, has {have}"))
            need_h = fm.height() * len(lines)
            if need_h > h.height() + SLACK_PX:
                out.append((i, t, f"needs {need_h} px high, has {h.height()}"))
    return out


def _scrolled(w: QWidget, top: QWidget) -> bool:
    """Inside a scroll area: the user scrolls to what lies outside the viewport."""
    p = w.parentWidget()
    while p is not None and p is not top:
        if isinstance(p.parentWidget(), QAbstractScrollArea) and p is p.parentWidget().viewport():
            return True
        p = p.parentWidget()
    return False


def _covered(w: QWidget, top: QWidget) -> QWidget | None:
    """The widget drawn over ``w``'s centre, if it is not ``w`` (or inside it); full-window overlays don't count."""
    c = w.mapTo(top, w.rect().center())
    hit = top.childAt(c)
    if hit is None or hit is w or w.isAncestorOf(hit):
        return None
    if hit.isAncestorOf(w):
        return None
    o = hit
    while o is not None and o.parentWidget() is not None and not o.parentWidget().isAncestorOf(w):
        o = o.parentWidget()
    area = top.width() * top.height()
    if o is not None and o.width() * o.height() >= 0.5 * area:
        return None  # an overlay the operator opened on purpose (the shortcut card) covers everything
    return o


def clipped(top: QWidget) -> list[tuple[Text, str]]:
    """The labels, buttons, tabs and headers in ``top`` whose text does not fit, with by how much."""
    out: list[tuple[Text, str]] = []
    for w in top.findChildren(QWidget):
        if not _shown(w, top):
            continue
        where = _path(w, top)
        why = None
        if isinstance(w, QLabel) and w.text() and not w.pixmap():
            why = _fits_label(w)
            kind = "label"
        elif isinstance(w, QAbstractButton) and w.text():
            why = _fits_button(w)
            kind = "button"
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                if w.tabText(i) and w.tabRect(i).width() + SLACK_PX < w.tabSizeHint(i).width():
                    out.append((Text("tab", f"{where}[{i}]", w.tabText(i)),
                                f"needs {w.tabSizeHint(i).width()} px, has {w.tabRect(i).width()}"))
            continue
        elif isinstance(w, QHeaderView):
            out.extend((Text("header", f"{where}[{i}]", t), why) for i, t, why in _header_clips(w))
            continue
        else:
            continue
        if why:
            out.append((Text(kind, where, plain(w.text())), why))
    # Anything cut off by the window's own edge (a child reaching outside the window).
    win = top.rect()
    for w in top.findChildren(QWidget):
        if not _shown(w, top) or not isinstance(w, (QLabel, QAbstractButton)) or not w.text() or _scrolled(w, top):
            continue
        r = w.rect().translated(w.mapTo(top, w.rect().topLeft()))
        if not win.contains(r):
            out.append((Text("edge", _path(w, top), plain(w.text())), f"reaches outside the window ({r} vs {win})"))
        over = _covered(w, top)
        if over is not None:
            out.append((Text("covered", _path(w, top), plain(w.text())), f"hidden under {_path(over, top)}"))
    return out
