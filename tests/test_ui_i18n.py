"""Chinese and English: the .ts is the source of truth, complete and up to date with the sources; the .qm
loads; plural forms and locale-aware numbers; the one-off import from a Python dictionary; the desk speaks Chinese."""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication

from ui import i18n
from ui.app import make_app, resolve_lang

ROOT = Path(__file__).resolve().parents[1]


def test_every_message_is_translated():
    """Every string the sources mark for translation (``tr``, ``QT_TRANSLATE_NOOP``) has its zh_CN text."""
    msgs = i18n.messages(i18n.TS)
    assert len(msgs) > 200
    assert i18n.unfinished(i18n.TS) == [], "translate them in Qt Linguist, then `make translations`"
    assert i18n.unfinished(i18n.TS_EN) == [], "the English plural forms (controlroom_en.ts)"


def test_no_python_dictionary_is_the_source_of_truth():
    assert not (ROOT / "ui" / "i18n_zh.py").exists() and not (ROOT / "ui" / "review" / "zh.py").exists()


def test_settings_descriptions_are_translated():
    """Every setting's unit and description shows in Chinese in the settings dialog."""
    import importlib

    from controlroom.settings import Settings

    importlib.import_module("ui.settings_docs")  # the generated file is valid Python
    make_app("zh_CN")
    try:
        missing = [(key, text) for key, _d, unit, doc in Settings.describe() for text in (unit, doc) if text and QCoreApplication.translate("SettingsDoc", text) == text
                   and text not in ("x",)]
    finally:
        make_app("en")
    assert missing == [], "run `make translations` and translate them in Qt Linguist"


def test_ts_is_up_to_date_with_the_sources():
    with tempfile.TemporaryDirectory() as tmp:
        ts = Path(tmp) / "check.ts"
        subprocess.run([i18n._tool("pyside6-lupdate"), *i18n.sources(), "-no-obsolete", "-locations", "none",
                        "-ts", str(ts)], cwd=ROOT, check=True, capture_output=True)
        fresh = set(i18n.messages(ts))
    committed = set(i18n.messages(i18n.TS))
    assert fresh - committed == set(), "run `make translations`: new strings are not in the .ts"


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
            assert w.alerts.tabs.tabText(0).startswith("问题")  # the problem list (episodes) comes first
            assert w.header.clock.text() == "0:01:40"
            assert w.model.headerData(0, __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Horizontal) == "级别"
            w.close()
    finally:
        make_app("en")


def test_plural_forms_and_locale_numbers():
    """``%n`` messages pick the right form in English; numbers, ¥ amounts and times come from QLocale."""
    from ui import fmt

    tr = QCoreApplication.translate
    src = "Restock the selected SKU by %Ln unit(s)"
    make_app("en")
    assert tr("ActionsPanel", src, "", 1) == "Restock the selected SKU by 1 unit"
    assert tr("ActionsPanel", src, "", 1200) == "Restock the selected SKU by 1,200 units"
    assert tr("OverviewTab", "%n moment(s)", "", 3) == "3 moments"
    assert fmt.money(123456700) == "¥1,234,567" and fmt.money(-5000) == "-¥50" and fmt.count(12345) == "12,345"
    make_app("zh_CN")
    try:
        assert tr("ActionsPanel", src, "", 1) == "为所选商品补货 1 件"
        assert tr("ActionsPanel", src, "", 1200) == "为所选商品补货 1,200 件"
        from PySide6.QtCore import QLocale
        assert QLocale().name() == "zh_CN"
        assert fmt.money(123456700) == QLocale().toCurrencyString(1234567, "¥")
        t0 = 1_700_000_000.0
        assert fmt.shop_time(t0) == __import__("time").strftime("%H:%M:%S", __import__("time").localtime(t0))
    finally:
        make_app("en")


def test_import_dict_fills_only_unfinished_messages(tmp_path):
    """``--import-dict`` fills unfinished messages from a dictionary module read as data (never run), keeps
    a translator's finished work, honours (context, source) keys and fills plural forms."""
    ts = tmp_path / "t.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>HostView</name>
    <message><source>Next SKU</source><translation type="unfinished"></translation></message>
    <message><source>Freeze</source><translation>冻结（译者）</translation></message>
    <message><source>Room</source><translation type="unfinished"></translation></message>
    <message numerus="yes"><source>%n order(s)</source>
        <translation type="unfinished"><numerusform></numerusform></translation></message>
    <message><source>Nobody translated this</source><translation type="unfinished"></translation></message>
</context>
</TS>
""", encoding="utf-8")
    mod = tmp_path / "zh.py"
    mod.write_text('''raise SystemExit("a dictionary module must not be executed")
HOST_ZH: dict[str, str] = {"Next SKU": "下一个商品", "Freeze": "冻结", "%n order(s)": "%n 笔订单", "Room": "房间"}
HOST_ZH_CONTEXT = {("HostView", "Room"): "直播间"}
''', encoding="utf-8")
    assert i18n.import_dicts([str(mod)], ts) == 3
    got = i18n.messages(ts)
    assert got[("HostView", "Next SKU")] == (None, ["下一个商品"])
    assert got[("HostView", "Freeze")] == (None, ["冻结（译者）"])
    assert got[("HostView", "Room")] == (None, ["直播间"])
    assert got[("HostView", "%n order(s)")] == (None, ["%n 笔订单"])
    assert i18n.unfinished(ts) == [("HostView", "Nobody translated this")]


def test_make_translations_keeps_a_translators_work(tmp_path):
    """A translation edited in the .ts (as Qt Linguist would) survives the lupdate refresh."""
    ts = tmp_path / "zh.ts"
    shutil.copy(i18n.TS, ts)
    text = ts.read_text(encoding="utf-8")
    old = "<translation>冻结</translation>"
    assert old in text
    ts.write_text(text.replace(old, "<translation>冻结（新译法）</translation>", 1), encoding="utf-8")
    i18n.lupdate(ts)
    assert "冻结（新译法）" in ts.read_text(encoding="utf-8")
    assert i18n.unfinished(ts) == []
