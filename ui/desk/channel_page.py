"""The settings dialog's channel page: where each alert level goes, grouping and escalation, the targets.

* A grid of levels (watch, warning, critical, losing sales, feed trouble, frozen with
  stock) by channels (panel — always —, sound, desktop notification, host view,
  webhooks): ``notify.<level>_channels``.
* Grouping, repeat and escalation timings (``notify.group_wait_s`` ...) and the
  on-call list (``notify.escalate_to``, target names in order).
* The webhook targets (``[[notify.webhooks]]`` from the settings file; URLs masked)
  with their status on the desk and a **Send test message** button each: it posts at
  once from a worker thread and shows what the robot answered.
"""
from __future__ import annotations

import dataclasses
import threading

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QLineEdit, \
    QPushButton, QSizePolicy, QVBoxLayout, QWidget

from controlroom.notify import send_test, target_from_dict
from controlroom.settings import NotifySettings
from controlroom.settings.secrets import mask_url
from ui import fmt

LEVELS = ("watch", "warning", "critical", "lost_sales", "feed", "frozen_with_stock")
CHANNELS = ("panel", "sound", "desktop", "host", "webhook")
# The theme draws no frame around an unchecked box: on this page the empty cells must read as "off".
GRID_STYLE = ("QCheckBox::indicator { width: 15px; height: 15px; border: 1px solid #6b7785; border-radius: 3px; }"
              "QCheckBox::indicator:checked { background: #3d8bfd; border-color: #3d8bfd; }"
              "QCheckBox::indicator:checked:disabled { background: #4a5563; border-color: #4a5563; }")
TIMING_FIELDS = ("group_wait_s", "group_interval_s", "repeat_interval_s", "escalate_after_min", "timeout_s",
                 "retries")


class ChannelPage(QWidget):
    """The channel page; ``row(form, key, field, value, unit_doc)`` is the dialog's editor row maker."""

    tested = Signal(str, str, bool)  # target name, the answer, ok (from the test thread, delivered queued)

    def __init__(self, settings, row, status: tuple = (), parent=None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.boxes: dict[tuple[str, str], QCheckBox] = {}
        self.test_buttons: dict[str, QPushButton] = {}
        self.test_results: dict[str, QLabel] = {}
        ns = settings.notify
        lay = QVBoxLayout(self)
        lay.setSpacing(10)

        grid_box = QGroupBox(self.tr("Channels per level"))
        grid_box.setStyleSheet(GRID_STYLE)
        grid = QGridLayout(grid_box)
        grid.setHorizontalSpacing(18)
        for c, ch in enumerate(CHANNELS):
            head = QLabel(self.channel_name(ch))
            head.setObjectName("muted")
            grid.addWidget(head, 0, c + 1, Qt.AlignmentFlag.AlignHCenter)
        for r, level in enumerate(LEVELS):
            grid.addWidget(QLabel(self.level_name(level)), r + 1, 0)
            chans = getattr(ns, f"{level}_channels")
            for c, ch in enumerate(CHANNELS):
                box = QCheckBox()
                box.setObjectName(f"notify.{level}_channels.{ch}")
                box.setChecked(ch in chans)
                if ch == "panel":  # the desk's panel always shows alerts
                    box.setChecked(True)
                    box.setEnabled(False)
                if ch == "host" and level not in ("critical", "lost_sales"):
                    box.setToolTip(self.tr("The host view prompts for critical low stock and sold out only."))
                grid.addWidget(box, r + 1, c + 1, Qt.AlignmentFlag.AlignHCenter)
                self.boxes[(level, ch)] = box
        grid.setColumnStretch(len(CHANNELS) + 1, 1)
        note = QLabel(self.tr("Critical: the sound repeats until the alert is acknowledged or snoozed. "
                              "Desktop: a click on the notification brings the desk to the SKU."))
        note.setObjectName("muted")
        note.setWordWrap(True)
        grid.addWidget(note, len(LEVELS) + 1, 0, 1, len(CHANNELS) + 2)
        lay.addWidget(grid_box)

        timing_box = QGroupBox(self.tr("Webhooks: grouping, repeats and escalation"))
        form = QFormLayout(timing_box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        fields = {f.name: f for f in dataclasses.fields(NotifySettings)}
        docs = {key: (unit, doc) for key, _d, unit, doc in type(settings).describe()}
        for name in TIMING_FIELDS:
            key = f"notify.{name}"
            row(form, key, fields[name], getattr(ns, name), docs.get(key, ("", "")))
        self.escalate_to = QLineEdit(", ".join(ns.escalate_to))
        self.escalate_to.setObjectName("notify.escalate_to")
        self.escalate_to.setPlaceholderText(self.tr("target names, in order, e.g. lead, backup"))
        self.escalate_to.setToolTip(self.tr("On-call list: a critical alert not acknowledged in time goes to the "
                                            "first of these targets that is up, once."))
        form.addRow(QLabel("escalate_to"), self.escalate_to)
        lay.addWidget(timing_box)

        self.targets_box = QGroupBox(self.tr("Targets (from the settings file)"))
        tg = QGridLayout(self.targets_box)
        tg.setHorizontalSpacing(12)
        tg.setColumnStretch(1, 1)
        states = {d["name"]: d for d in status if d.get("kind") == "target"}
        if not ns.webhooks:
            empty = QLabel(self.tr("No webhook targets: add [[notify.webhooks]] tables to the settings file "
                                   "(see docs/notifications.md)."))
            empty.setObjectName("muted")
            empty.setWordWrap(True)
            tg.addWidget(empty, 0, 0, 1, 4)
        for i, hook in enumerate(ns.webhooks):
            self._target_row(tg, i, hook, states.get(hook["name"]))
        lay.addWidget(self.targets_box)
        lay.addStretch(1)
        self.tested.connect(self._show_test, Qt.ConnectionType.QueuedConnection)

    # --- names -----------------------------------------------------------------------------------------
    def level_name(self, level: str) -> str:
        names = {"frozen_with_stock": self.tr("frozen with stock"), "feed": self.tr("feed trouble")}
        return names.get(level) or fmt.level_name(level)

    def channel_name(self, ch: str) -> str:
        return {"panel": self.tr("Panel"), "sound": self.tr("Sound"), "desktop": self.tr("Desktop"),
                "host": self.tr("Host view"), "webhook": self.tr("Webhooks")}[ch]

    # --- targets ---------------------------------------------------------------------------------------
    def _target_row(self, grid: QGridLayout, i: int, hook: dict, st: dict | None) -> None:
        """Two grid rows per target: name, what it is, its state, the test button; the test's answer."""
        r = 2 * i
        grid.addWidget(QLabel(f"<b>{hook['name']}</b>"), r, 0)
        role = self.tr("on-call only") if hook.get("oncall_only") else ", ".join(hook["levels"])
        info = QLabel(f"{hook['format']} · {mask_url(hook['url'])}\n{role}")
        info.setObjectName("muted")
        info.setWordWrap(True)
        info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        grid.addWidget(info, r, 1)
        state = QLabel(self.state_text(st))
        if st is not None and st.get("state") != "up":
            state.setStyleSheet("color: #ff6b72; font-weight: 600;")
        grid.addWidget(state, r, 2)
        button = QPushButton(self.tr("Send test message"))
        button.setObjectName(f"test:{hook['name']}")
        button.clicked.connect(lambda _c=False, idx=i: self.send_test(idx))
        grid.addWidget(button, r, 3)
        result = QLabel("")
        result.setWordWrap(True)
        result.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        grid.addWidget(result, r + 1, 1, 1, 3)
        self.test_buttons[hook["name"]] = button
        self.test_results[hook["name"]] = result

    def state_text(self, st: dict | None) -> str:
        if st is None:
            return self.tr("not running")
        if st.get("state") == "up":
            return self.tr("up · {n} sent").format(n=st.get("sent", 0))
        what = self.tr("DOWN") if st.get("state") == "down" else self.tr("misconfigured")
        return f"{what}: {st.get('last_error') or ''}"

    def send_test(self, index: int) -> None:
        """Post one test message to target ``index`` from a worker thread (never blocks the dialog)."""
        hook = self.settings.notify.webhooks[index]
        name = hook["name"]
        self.test_buttons[name].setEnabled(False)
        self.test_results[name].setText(self.tr("sending…"))
        target = target_from_dict(dict(hook), index)

        def work() -> None:
            try:
                out = send_test(target, timeout_s=5.0)
                text = "ok" if out.ok else f"{out.kind}: {out.detail}"
                self.tested.emit(name, text, out.ok)
            except Exception as e:  # a bad URL and the like: shown, never raised into Qt
                self.tested.emit(name, f"{type(e).__name__}: {e}", False)

        threading.Thread(target=work, name=f"notify-test-{name}", daemon=True).start()

    def _show_test(self, name: str, text: str, ok: bool) -> None:
        label = self.test_results.get(name)
        if label is None:
            return
        label.setText(self.tr("accepted by the robot") if ok else self.tr("failed: {why}").format(why=text))
        label.setStyleSheet("color: #4cd97b;" if ok else "color: #ff6b72; font-weight: 600;")
        self.test_buttons[name].setEnabled(True)

    # --- values ------------------------------------------------------------------------------------------
    def changes(self) -> dict:
        """Dotted overrides for what the operator changed on this page (the timing rows are the dialog's)."""
        out: dict = {}
        ns = self.settings.notify
        for level in LEVELS:
            chans = tuple(ch for ch in CHANNELS if self.boxes[(level, ch)].isChecked())
            if set(chans) != set(getattr(ns, f"{level}_channels")):
                out[f"notify.{level}_channels"] = list(chans)
        names = tuple(x.strip() for x in self.escalate_to.text().split(",") if x.strip())
        if names != tuple(ns.escalate_to):
            out["notify.escalate_to"] = list(names)
        return out

    def applied(self, settings) -> None:
        """The dialog applied ``settings``: they are the new baseline."""
        self.settings = settings
