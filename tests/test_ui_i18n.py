"""Chinese and English: the .ts is complete and up to date with the sources, the .qm loads, the desk speaks Chinese."""
from __future__ import annotations

import os
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui import i18n
from ui.app import make_app, resolve_lang

ROOT = Path(__file__).resolve().parents[1]


def messages(path: Path) -> dict[tuple[str, str], tuple[str | None, str]]:
    out = {}
    for ctx in ET.parse(path).getroot().iter("context"):
        c = ctx.findtext("name")
        for m in ctx.iter("message"):
            tr = m.find("translation")
            out[(c, m.findtext("source"))] = (tr.get("type"), tr.text or "")
    return out


def test_every_message_is_translated():
    msgs = messages(i18n.TS)
    assert len(msgs) > 200
    missing = [k for k, (typ, text) in msgs.items() if typ in ("unfinished", "vanished", "obsolete") or not text.strip()]
    # The settings' descriptions are generated from the core's settings (owned elsewhere): the tier
    # fields must be translated; anything new in other sections may lag behind.
    tier_docs = {doc for key, _d, _u, doc in __import__("controlroom.settings", fromlist=["Settings"]).Settings.describe()
                 if key.startswith("tiers.")}
    assert [k for k in missing if k[0] != "SettingsDoc" or k[1] in tier_docs] == []


def test_settings_descriptions_are_translated():
    """Every tier setting's unit and description shows in Chinese in the settings dialog."""
    import importlib

    from controlroom.settings import Settings

    importlib.import_module("ui.settings_docs")  # the generated file is valid Python
    make_app("zh_CN")
    try:
        missing = [(key, text) for key, _d, unit, doc in Settings.describe() if key.startswith("tiers.")
                   for text in (unit, doc) if text and QCoreApplication.translate("SettingsDoc", text) == text
                   and text not in ("x",)]
    finally:
        make_app("en")
    assert missing == [], "run `python -m ui.i18n` and translate in ui/i18n_zh.py"


def test_ts_is_up_to_date_with_the_sources():
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "check.ts"
        subprocess.run([i18n._tool("pyside6-lupdate"), *i18n.sources(), "-no-obsolete", "-locations", "none",
                        "-ts", str(ts)], cwd=ROOT, check=True, capture_output=True)
        fresh = {k for k in messages(ts) if k[0] != "SettingsDoc"}
    committed = {k for k in messages(i18n.TS) if k[0] != "SettingsDoc"}
    assert fresh - committed == set(), "run `python -m ui.i18n`: new strings are not in the .ts"


def test_qm_is_newer_than_ts_and_loads():
    assert i18n.QM.exists() and i18n.QM.stat().st_size > 1000
    make_app("zh_CN")
    try:
        tr = QCoreApplication.translate
        assert tr("Labels", "critical") == "紧急"
        assert tr("Labels", "warning") == "预警"
        assert tr("Labels", "watch") == "关注"
        assert tr("DeskWindow", "Live stock control room") == "直播库存中控台"
        assert tr("ActionsPanel", "Freeze") == "冻结"
        assert tr("SettingsDoc", "forecast window: predicted sales are over this many minutes") != \
            "forecast window: predicted sales are over this many minutes"
    finally:
        make_app("en")
    assert QCoreApplication.translate("Labels", "critical") == "critical"


def test_resolve_lang():
    assert resolve_lang("zh_CN") == "zh_CN" and resolve_lang("zh-cn") == "zh_CN" and resolve_lang("en_US") == "en"
    with pytest.raises(ValueError):
        resolve_lang("fr")


def test_desk_in_chinese(qtbot):
    from tests.test_ui_model import FakeSession, sku
    from controlroom.state.view import ViewSnapshot
    from PySide6.QtCore import QSettings
    from ui.app import build_desk
    from ui.sound import AlertSound

    make_app("zh_CN")
    try:
        fs = FakeSession()
        with tempfile.TemporaryDirectory() as tmp:
            bridge, w = build_desk(fs, store=QSettings(os.path.join(tmp, "d.ini"), QSettings.Format.IniFormat),
                                   sound=AlertSound(backend="silent"), charts=False)
            qtbot.addWidget(w)
            fs.snapshot = ViewSnapshot(version=1, ts=1000.0, started_ts=900.0, room="r", skus=tuple(sku(i) for i in range(4)))
            bridge.pull()
            assert w.windowTitle() == "直播库存中控台"
            assert w.actions.buttons["freeze"].text() == "冻结"
            assert w.actions.buttons["restock_custom"].text() == "补货"
            assert w.alerts.tabs.tabText(0).startswith("进行中")
            assert w.header.clock.text() == "0:01:40"
            assert w.model.headerData(0, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Horizontal) == "级别"
            w.close()
    finally:
        make_app("en")
