"""The desk's side of the host view: View → Host screen, and the prompt box with one-click presets.

:func:`install` adds both to a :class:`~ui.desk.window.DeskWindow` (one call from the desk, so
the desk's own module stays small).  The host screen is its own process — ``controlroom host``
with a viewer key paired into the room's allow-list — on the screen the operator picks
(remembered in the desk's settings).  Prompts go to the core as the ``prompt`` intent (over
the state stream, with the desk's operator key: the name logged is the key's).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMessageBox, QSpinBox, QToolBar, \
    QToolButton, QWidget

from ui.retranslate import keep

SCREEN_KEY = "host/screen"


def share_for_host_views(session: Any, keys_dir: str | None) -> None:
    """Before the core starts: publish the desk's state stream with the room's keys and allow-list.

    Host views then join with their own viewer keys (paired into ``KEYS/room/clients.toml``);
    nobody else can (CURVE, allow-list).  A core that already has a stream configuration keeps it.
    """
    from controlroom.security.keys import default_keys_dir
    from controlroom.state.keys import ensure_room_keys
    from controlroom.state.server import StreamConfig

    base = Path(keys_dir).expanduser() if keys_dir else default_keys_dir()
    try:
        rk = ensure_room_keys(base)
    except (OSError, ValueError):
        return  # no room keys here (read-only folder): the desk runs with its private stream only
    cfg = StreamConfig("tcp://127.0.0.1:*", "tcp://127.0.0.1:*", server_keys=(rk.public, rk.secret),
                       allow_file=str(rk.allow_file))
    if hasattr(session, "share") and session.share is None:
        session.share = cfg  # RemoteSession: the core process binds it
    elif hasattr(session, "stream_config") and session.stream_config is None:
        session.stream_config = cfg  # LiveSession (--core-thread): its core thread binds it


def stream_of(session: Any) -> tuple[tuple[str, str], str] | None:
    """((PUB, ROUTER), keys folder) of a started core's shared stream, or None when it shares none."""
    cfg = getattr(session, "share", None) or getattr(session, "stream_config", None)
    eps = getattr(session, "endpoints", None) if hasattr(session, "share") else getattr(session, "stream_endpoints", None)
    if cfg is None or not eps or not cfg.allow_file:
        return None
    return tuple(eps), str(Path(cfg.allow_file).parent.parent)


def host_command(pub: str, router: str, keys_dir: str, screen: int | None, lang: str | None) -> list[str]:
    """The command line of a host-view process (the bundled app runs itself with the verb)."""
    head = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "ui"]
    cmd = head + ["host", "--connect", f"{pub},{router}", "--keys", keys_dir]
    if screen is not None:
        cmd += ["--screen", str(screen)]
    if lang:
        cmd += ["--lang", lang]
    return cmd


def open_host_screen(session: Any, screen: int | None, lang: str | None,
                     extra: list[str] | None = None) -> subprocess.Popen | str:
    """Start a host view on ``screen``; the process, or why not (text for the operator).

    ``extra``: more ``controlroom host`` options (tests: ``--windowed``, ``--trace``)."""
    got = stream_of(session)
    if got is None:
        return QCoreApplication.translate("HostDesk", "This desk's core shares no state stream, so no host view "
                                                      "can join it.")
    (pub, router), keys_dir = got
    extra = list(extra or [])
    if len(QGuiApplication.screens()) <= 1 and "--windowed" not in extra:
        extra += ["--windowed", "960x540"]  # one monitor: a window beside the desk, not a full screen over it
    return subprocess.Popen(host_command(pub, router, keys_dir, screen, lang) + extra, stdin=subprocess.DEVNULL)


def remembered_screen(store: QSettings) -> int:
    """The screen last chosen for the host view, else the second screen when there is one."""
    n = len(QGuiApplication.screens())
    return min(int(store.value(SCREEN_KEY, 1 if n > 1 else 0)), max(0, n - 1))


def open_remembered(window: Any, extra: list[str] | None = None) -> subprocess.Popen | str:
    """``demo --host``: the host view on its remembered screen, no question asked."""
    app = QGuiApplication.instance()
    got = open_host_screen(window.bridge.session, remembered_screen(window.store),
                           getattr(app, "_controlroom_lang", None), extra)
    if isinstance(got, str):
        print(f"host view: {got}", file=sys.stderr)
    else:
        window.host_processes.append(got)
    return got


class HostPromptBar(QToolBar):
    """Prompt box and presets: what the host should say, shown large on every host view until cleared."""

    def __init__(self, bridge: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bridge = bridge
        self.setObjectName("hostPromptBar")
        label = QLabel()
        box = QWidget()
        lay = QHBoxLayout(box)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.addWidget(label)
        self.text = QLineEdit()
        self.text.setMaxLength(200)
        self.text.returnPressed.connect(self.send_text)
        lay.addWidget(self.text, 3)
        self.minutes = QSpinBox()
        self.minutes.setRange(1, 60)
        self.minutes.setValue(2)
        self.item = QSpinBox()
        self.item.setRange(1, 999)
        self.item.setValue(7)

        def words() -> None:  # again after a language switch (ui/retranslate.py)
            self.setWindowTitle(self.tr("Host prompt"))
            label.setText(self.tr("Host prompt:"))
            self.text.setPlaceholderText(self.tr("Words for the host, shown large on the host screen (Enter sends)"))
            self.minutes.setSuffix(self.tr(" min"))
            self.item.setPrefix(self.tr("item "))
        keep(self, words)
        # Every button is an action with a key (the desk lists them in Help), active anywhere in the window.
        self.key_actions: list[QAction] = []
        self._action(box, lambda: self.tr("Type a host prompt"), "Ctrl+P", self._focus_text)
        send = self._action(box, lambda: self.tr("Send"), "Ctrl+Shift+P", self.send_text)
        clear = self._action(box, lambda: self.tr("Clear"), "Ctrl+Shift+X", self.clear,
                             tip=lambda: self.tr("Take the prompt off the host screen"))
        restock = self._action(box, lambda: self.tr("Restock coming"), "Alt+1",
                               lambda: self.send_preset("restock", self.minutes.value()))
        move_on = self._action(box, lambda: self.tr("Move on to"), "Alt+2",
                               lambda: self.send_preset("move_on", self.item.value()))
        cart = self._action(box, lambda: self.tr("Push the cart now"), "Alt+3", lambda: self.send_preset("push_cart", None))
        for w in (self._button(send), self._button(clear), self._button(restock), self.minutes,
                  self._button(move_on), self.item, self._button(cart)):
            lay.addWidget(w)
        self.addWidget(box)
        self.sent: list[tuple[str, str | None, int | None]] = []  # what this bar sent (tests)

    def _action(self, owner: QWidget, text, key: str, slot, tip=None) -> QAction:
        """A keyed action; ``text()`` and ``tip()`` give its words (again after a language switch)."""
        a = QAction(owner)
        a.setShortcut(QKeySequence(key))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        native = a.shortcut().toString(QKeySequence.SequenceFormat.NativeText)

        def words() -> None:
            a.setText(text())
            a.setToolTip(f"{(tip or text)()} ({native})")
        keep(self, words)
        a.triggered.connect(slot)
        owner.addAction(a)
        self.key_actions.append(a)
        return a

    @staticmethod
    def _button(action: QAction) -> QToolButton:
        b = QToolButton()
        b.setDefaultAction(action)
        b.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        return b

    def _focus_text(self) -> None:
        self.text.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.text.selectAll()

    def shortcut_rows(self) -> list[tuple[str, str]]:
        """(keys, what they do) for the desk's Help: two rows, so the card still fits a 720-high window."""
        def keys(acts):
            return " / ".join(a.shortcut().toString(QKeySequence.SequenceFormat.NativeText) for a in acts)

        typing, presets = self.key_actions[:3], self.key_actions[3:]
        return [(keys(typing), self.tr("Host prompt: type it, send it, take it off the host screen")),
                (keys(presets), self.tr("Host prompt presets: restock coming, move on to the item, push the cart"))]

    def _prompt(self, text: str, preset: str | None, arg: int | None) -> None:
        session = self.bridge.session
        if hasattr(session, "prompt"):
            session.prompt(text, preset=preset, arg=arg)
            self.sent.append((text, preset, arg))

    def send_text(self) -> None:
        """Send the typed words (nothing typed: nothing sent)."""
        words = self.text.text().strip()
        if words:
            self._prompt(words, None, None)

    def send_preset(self, preset: str, arg: int | None) -> None:
        """One click: a preset, worded on each host view in its own language."""
        self._prompt("", preset, arg)

    def clear(self) -> None:
        """Take the prompt down."""
        self.text.clear()
        self._prompt("", None, None)


def choose_screen(parent: QWidget, store: QSettings) -> int | None:
    """Ask which screen the host view goes on (the last choice preselected and remembered); None = cancelled."""
    screens = QGuiApplication.screens()
    names = [f"{i + 1}: {s.name()} ({s.geometry().width()}×{s.geometry().height()})" for i, s in enumerate(screens)]
    if len(names) <= 1:
        return 0
    item, ok = QInputDialog.getItem(parent, QCoreApplication.translate("HostDesk", "Host screen"),
                                    QCoreApplication.translate("HostDesk", "Open the host view full screen on:"),
                                    names, remembered_screen(store), False)
    if not ok:
        return None
    choice = names.index(item)
    store.setValue(SCREEN_KEY, choice)
    return choice


def install(window: Any) -> HostPromptBar:
    """Add View → Host screen and the prompt bar to a desk window; returns the bar."""
    bar = HostPromptBar(window.bridge, window)
    window.host_prompt_bar = bar  # its keys are listed in the desk's Help
    window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
    menu = window.menuBar().addMenu("")
    act = menu.addAction("")

    def words() -> None:  # again after a language switch (ui/retranslate.py)
        menu.setTitle(QCoreApplication.translate("HostDesk", "&View"))
        act.setText(QCoreApplication.translate("HostDesk", "Host screen…"))
        act.setToolTip(QCoreApplication.translate("HostDesk", "Open the host view (主播屏) full screen on another monitor"))
    keep(window, words)
    menu.addAction(bar.toggleViewAction())
    window.host_processes = []

    def open_it() -> None:
        screen = choose_screen(window, window.store)
        if screen is None:
            return
        app = QGuiApplication.instance()
        got = open_host_screen(window.bridge.session, screen, getattr(app, "_controlroom_lang", None))
        if isinstance(got, str):
            QMessageBox.information(window, QCoreApplication.translate("HostDesk", "Host screen"), got)
        else:
            window.host_processes.append(got)

    act.triggered.connect(open_it)

    def close_hosts() -> None:  # host views opened from this desk end with it (no orphans)
        for p in window.host_processes:
            if p.poll() is None:
                p.terminate()
        for p in window.host_processes:
            try:
                p.wait(3)
            except subprocess.TimeoutExpired:
                p.kill()

    QCoreApplication.instance().aboutToQuit.connect(close_hosts)
    window.host_screen_action = act
    return bar
