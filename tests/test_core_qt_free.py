"""The core never imports Qt: every controlroom module imports, and a session runs, with Qt made unimportable."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

BLOCK_QT = textwrap.dedent("""
    import importlib.abc, sys
    class NoQt(importlib.abc.MetaPathFinder):
        BLOCKED = ("PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6", "ui")
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] in self.BLOCKED:
                raise ImportError(f"{name} is blocked: the core must not import Qt or the UI")
            return None
    sys.meta_path.insert(0, NoQt())
""")


def run_py(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", BLOCK_QT + textwrap.dedent(code)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_every_core_module_imports_without_qt():
    r = run_py("""
        import pkgutil, importlib, controlroom
        names = [m.name for m in pkgutil.walk_packages(controlroom.__path__, "controlroom.")]
        for n in names:
            importlib.import_module(n)
        assert len(names) > 10, names
        assert not [m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph")]
        print("imported", len(names))
    """)
    assert r.returncode == 0, r.stderr
    assert "imported" in r.stdout


def test_core_stands_alone_after_importing_every_module():
    # No blocker here: importing every core module must not pull in Qt or the front end at all.
    r = subprocess.run([sys.executable, "-c", textwrap.dedent("""
        import importlib, pkgutil, sys, controlroom
        for m in pkgutil.walk_packages(controlroom.__path__, "controlroom."):
            importlib.import_module(m.name)
        bad = sorted(m for m in sys.modules if m.startswith(("PySide6", "shiboken6", "pyqtgraph", "ui")))
        assert not bad, bad
        print("alone")
    """)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().endswith("alone")


def test_import_contracts_hold():
    # The layer rules of pyproject.toml ([tool.importlinter]); `make test` runs lint-imports too.
    exe = os.path.join(os.path.dirname(sys.executable), "lint-imports")
    r = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_blocker_really_blocks():
    # The guard above means something only if importing Qt under it fails.
    r = run_py("import PySide6")
    assert r.returncode != 0 and "blocked" in r.stderr


def test_headless_feed_runs_without_qt():
    r = run_py("""
        import time
        from controlroom.simulate.runner import DemoShop
        from controlroom.feed.client import FeedClient
        shop = DemoShop("steady", 1, speed=50, events_endpoint="tcp://127.0.0.1:*",
                        requests_endpoint="tcp://127.0.0.1:*").start()
        fc = FeedClient(*shop.endpoints)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            fc.poll(20)
        shop.stop()
        assert fc.state == "live" and sum(fc.counts.values()) > 0, fc.summary()
        print("ok", fc.seq)
    """)
    assert r.returncode == 0, r.stderr
