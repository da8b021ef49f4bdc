"""The Qt application: theme, fonts, translations, the snapshot bridge, and ``run_desk_app``.

``controlroom desk`` and ``controlroom demo`` call :func:`run_desk_app`; tests and
the screenshot script build the same pieces with :func:`make_app` and
:func:`build_desk`.
"""
from __future__ import annotations

import logging
import sys
import time
from typing import Any

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

from controlroom.live.process import build_desk_core
from ui import theme
from ui.paths import resource

log = logging.getLogger(__name__)

TRANSLATIONS = resource("translations")
LANGS = ("zh_CN", "en")


def resolve_lang(lang: str | None) -> str:
    """``zh_CN`` or ``en``: the asked language, else the system's (Chinese systems get Chinese)."""
    if lang:
        low = lang.replace("-", "_").lower()
        if low.startswith("zh"):
            return "zh_CN"
        if low.startswith("en"):
            return "en"
        raise ValueError(f"unknown language {lang!r}; choose zh_CN or en")
    return "zh_CN" if QLocale.system().name().lower().startswith("zh") else "en"


def _pick_font(families: list[str]) -> str | None:
    have = set(QFontDatabase.families())
    return next((f for f in families if f in have), None)


def install_translations(app: QApplication, lang: str) -> list[QTranslator]:
    """Load the desk's translation (and Qt's own) for ``lang`` and make it QLocale's default (numbers,
    ¥ amounts, times); returns the installed translators."""
    out = []
    # English is the source language; its .qm only holds the plural forms (``%n``).
    QLocale.setDefault(QLocale(QLocale.Language.Chinese, QLocale.Country.China) if lang == "zh_CN"
                       else QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    tr = QTranslator(app)
    if tr.load(str(TRANSLATIONS / f"controlroom_{lang}.qm")):
        app.installTranslator(tr)
        out.append(tr)
    else:
        log.warning("no translation file for %s", lang)
    if lang == "en":
        return out
    qt = QTranslator(app)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)) or \
            qt.load(f"qt_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        out.append(qt)
    return out


def _swap_translators(app: QApplication, lang: str) -> None:
    for t in getattr(app, "_controlroom_translators", []):
        app.removeTranslator(t)
    app._controlroom_translators = install_translations(app, lang)
    app._controlroom_lang = lang


def switch_language(app: QApplication, lang: str | None) -> str:
    """Switch the running app to ``lang`` (``zh_CN``, ``en``, or None for the system's): the translators
    are swapped and every text kept with :func:`ui.retranslate.keep` is set again (the desk window's
    menus, buttons, captions, table headers and panels); texts made on each refresh follow with the
    next one.  Returns the language now in use."""
    from ui.retranslate import retranslate_all

    lang = resolve_lang(lang)
    if lang != getattr(app, "_controlroom_lang", None):
        _swap_translators(app, lang)
        retranslate_all(app)
    return lang


def apply_theme(app: QApplication, name: str) -> None:
    """Switch to the ``dark`` or ``light`` theme: palette and stylesheet at once (widgets restyle live);
    colours a widget read when it was built (charts) follow when it is built again."""
    theme.use(name)
    app.setPalette(theme.palette())
    app.setStyleSheet(theme.stylesheet())
    for w in app.allWidgets():
        w.update()


def make_app(lang: str | None = None, argv: list[str] | None = None, *, theme_name: str | None = None) -> QApplication:
    """The QApplication with theme (``dark`` unless ``theme_name``), fonts and translations (reuses an
    existing instance)."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else [sys.argv[0]])
    app.setApplicationName("controlroom")
    app.setOrganizationName("controlroom")
    app.setApplicationDisplayName("controlroom")
    app.setWindowIcon(QIcon(theme.icon_path("app")))
    _swap_translators(app, resolve_lang(lang))
    family = _pick_font(theme.UI_FONT_FAMILIES)
    if family:
        f = QFont(family)
        f.setPointSizeF(9.5)
        app.setFont(f)
    app.setStyle("Fusion")
    apply_theme(app, theme_name or "dark")
    return app


SWITCH_INTERVAL_S = 0.001  # GIL hand-over: CPython's default is 5 ms


def tune_runtime(session: Any = None, *, switch_interval_s: float | None = SWITCH_INTERVAL_S):
    """Once the desk is up: pace the garbage collector and shorten the GIL's switch interval.

    The GUI and the core thread share one GIL.  A collection holds it throughout, so
    collections are paced (:class:`controlroom.live.gcpace.GcPacer`: everything alive now is
    frozen out of the collector's reach, automatic collections stay young, the full one
    runs on the core thread right after a redraw).  And a GUI thread that wants the GIL
    back from a busy core waits up to the switch interval each time: at 1 ms instead of
    5 it gets it back sooner.  Returns the pacer (attached to ``session`` when given).
    """
    from controlroom.live.gcpace import GcPacer

    if switch_interval_s:
        sys.setswitchinterval(switch_interval_s)
    pacer = GcPacer().install()
    if session is not None:
        session.gc_pacer = pacer
    return pacer


def desk_store():
    """The desk's own preferences (theme, language, layout) in ``<config>/desk.ini`` (:mod:`controlroom.places`)."""
    from PySide6.QtCore import QSettings

    from controlroom.places import desk_prefs_file

    return QSettings(str(desk_prefs_file()), QSettings.Format.IniFormat)


def build_desk(session: Any, *, hz: float | None = None, store=None, sound=None, charts: bool = True,
               desktop=None):
    """(bridge, window) for a started core (:class:`~controlroom.live.session.LiveSession` or
    :class:`~controlroom.live.process.RemoteSession`); the bridge is not started.  ``desktop``: a
    started :class:`~controlroom.notify.desktop.DesktopNotifier` (None: no desktop notifications)."""
    from ui.bridge import DEFAULT_HZ, SnapshotBridge
    from ui.desk.window import DeskWindow

    bridge = SnapshotBridge(session, hz=hz or DEFAULT_HZ)
    window = DeskWindow(bridge, store=store, sound=sound, charts=charts, desktop=desktop)
    bridge.setParent(window)
    window.refreshed.connect(bridge.refresh_done)
    return bridge, window


def desktop_notifier():
    """A started desktop notifier on the user's session bus, or None when there is no session bus."""
    import os

    uid = os.getuid() if hasattr(os, "getuid") else None  # freedesktop notifications: Linux/BSD desktops
    if uid is None or not os.environ.get("DBUS_SESSION_BUS_ADDRESS") and not os.path.exists(f"/run/user/{uid}/bus"):
        return None
    from controlroom.notify.desktop import DesktopNotifier

    return DesktopNotifier(app_name="controlroom").start()


def run_desk_app(settings: Any, client_curve: Any, args: Any) -> int:
    """Open the desk on a live shop and run until the window closes (or ``args.duration`` passes)."""
    from ui.desk.display_tab import saved_lang, saved_theme

    from controlroom.places import startup_line

    print(startup_line(), file=sys.stderr)
    prefs = desk_store()  # the Display tab's choices; --lang wins over the saved language
    try:
        lang = resolve_lang(getattr(args, "lang", None) or saved_lang(prefs))
    except ValueError as e:
        print(f"controlroom desk: {e}", file=sys.stderr)
        return 2
    app = make_app(lang, theme_name=saved_theme(prefs))
    # The core: its own process by default (the GUI thread then shares its GIL with no busy thread),
    # or a thread of this process with --core-thread.
    session = build_desk_core(settings, client_curve, args)
    from ui.host.desk import share_for_host_views

    share_for_host_views(session, getattr(args, "keys", None))  # View → Host screen: host views may join
    try:
        session.start()
    except Exception as e:  # the core could not start (bad endpoint, keys): say so, no traceback
        print(f"controlroom desk: the core did not start: {e}", file=sys.stderr)
        return 1
    bridge, window = build_desk(session, store=prefs, desktop=desktop_notifier())
    window.show()
    if getattr(args, "host", False):  # `controlroom demo --host`: the host view too, on its remembered screen
        from ui.host.desk import open_remembered

        open_remembered(window)
    tune_runtime(session)
    bridge.start()
    t_show = time.monotonic()

    def first_frame(*_) -> None:  # the start-up figure the smoke test of the bundled app reads
        window.refreshed.disconnect(first_frame)
        print(f"desk: first frame {time.monotonic() - t_show:.2f} s after the window opened (unix {time.time():.3f})",
              file=sys.stderr)

    window.refreshed.connect(first_frame)
    duration = getattr(args, "duration", None)
    shot = getattr(args, "screenshot", None)
    if duration:
        if shot:
            QTimer.singleShot(max(0, int(float(duration) * 1000) - 300),
                              lambda: print(f"desk: screenshot {shot} saved={window.grab().save(shot)}; "
                                            f"status: {window.status_right.text()}", file=sys.stderr))
        QTimer.singleShot(int(float(duration) * 1000), window.close)
    app.setQuitOnLastWindowClosed(True)
    try:
        rc = app.exec()
    finally:
        bridge.stop()
        session.stop()
    path = getattr(session, "log_path", None) or getattr(session.session_log, "path", None)
    if path:
        print(f"session log: {path}", file=sys.stderr)
    return int(rc or 0)

