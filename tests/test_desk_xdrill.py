"""The operator drill in a real X window: Xvfb, the real desk on ``xcb``, and ``xdotool`` as the operator's hand.

The desk (tests/xdrill_app.py, its own process) runs over a busy demo shop whose rows keep re-sorting;
this test moves the real pointer to a row, clicks it and presses F — six times, at a human pace —
then types a custom restock amount and presses F at once.  The SKUs frozen in the shop must be the
ones aimed at; the amount restocked must be the one typed.

Runs wherever Xvfb and xdotool are installed (``.ci/run`` installs them on Debian).  Without them it
is skipped — except in CI (``CI=true``), where it fails: the drill must not silently stop running.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
pytestmark = pytest.mark.timeout(300)  # a loaded CI machine: the drill itself takes ~20 s
MISSING = [t for t in ("Xvfb", "xdotool") if shutil.which(t) is None]


def _need_tools() -> None:
    if MISSING:
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(f"CI must run the X drill, but {', '.join(MISSING)} is not installed (see .ci/run)")
        pytest.skip(f"{', '.join(MISSING)} not installed (apt-get install xvfb xdotool)")


@pytest.fixture
def xserver():
    _need_tools()
    r, wfd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", "1280x720x24", "-nolisten", "tcp"],
                            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(wfd)
    num = b""
    with os.fdopen(r, "rb") as f:
        while not num.endswith(b"\n"):
            ch = f.read(1)
            if not ch:
                break
            num += ch
    assert num.strip(), "Xvfb did not report its display"
    yield f":{int(num)}"
    xvfb.terminate()
    try:
        xvfb.wait(5)
    except subprocess.TimeoutExpired:
        xvfb.kill()


def xdo(display: str, *args: str) -> str:
    out = subprocess.run(["xdotool", *args], env=dict(os.environ, DISPLAY=display), capture_output=True,
                         text=True, timeout=20)
    assert out.returncode == 0, out.stderr
    return out.stdout


def read_state(path: str) -> dict:
    for _ in range(50):
        try:
            with open(path) as f:
                return json.load(f)
        except (OSError, ValueError):
            time.sleep(0.05)
    raise AssertionError("the desk writes no state")


def wait_for(path: str, cond, timeout: float, what: str, *, after: float = 0.0) -> dict:
    """The first state written after ``after`` (wall clock) that meets ``cond``."""
    end = time.monotonic() + timeout
    st = None
    while time.monotonic() < end:
        if os.path.exists(path):
            st = read_state(path)
            if st.get("t", 0.0) > after and cond(st):
                return st
        time.sleep(0.1)
    if st is not None:
        st = {k: v for k, v in st.items() if k != "rows"}
    raise AssertionError(f"timed out waiting for {what}; last state: {st}")


def move_to(display: str, state: str, target: dict) -> dict:
    """Move the real pointer to ``target``'s centre; the desk's first report after it has seen the pointer there."""
    xy = [target["x"], target["y"]]
    xdo(display, "mousemove", "--sync", str(xy[0]), str(xy[1]))
    return wait_for(state, lambda s: s["pointer"] == xy and s["hover"] is not None, 10, f"the pointer at {xy}")


def test_xdotool_drill_in_a_real_window(xserver, tmp_path):
    state = str(tmp_path / "state.json")
    env = dict(os.environ, DISPLAY=xserver, QT_QPA_PLATFORM="xcb", XDG_CONFIG_HOME=str(tmp_path), HOME=str(tmp_path))
    desk = subprocess.Popen([sys.executable, os.path.join(ROOT, "tests", "xdrill_app.py"), state], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        try:
            st = wait_for(state, lambda s: s["ready"], 60, "the desk to be live")
        except AssertionError:
            desk.kill()
            raise AssertionError(desk.stderr.read().decode(errors="replace")[-3000:])
        # No window manager under Xvfb: give the desk's window the keyboard as a WM would.
        wid = xdo(xserver, "search", "--sync", "--onlyvisible", "--name", "Live stock control room").split()[0]
        xdo(xserver, "windowfocus", "--sync", wid)
        # Active, and the keyboard at the table from the start.
        wait_for(state, lambda s: s["active"] and s["focus"] == "table", 10, "the window to be active")
        layouts0 = st["layouts"]
        aimed: list[str] = []
        def pickable(s):
            return [r for r in s["rows"][3:] if not r["frozen"] and r["sku"] not in aimed]

        tries = 0
        while len(aimed) < 6:
            tries += 1
            assert tries <= 20, f"could not aim at 6 rows in 20 tries: {aimed}"
            st = wait_for(state, pickable, 10, "a row to aim at")
            target = pickable(st)[0]
            st = move_to(xserver, state, target)
            # What the operator aimed at: the SKU under the pointer when it arrived.
            if st["hover"] in aimed or st["hover_frozen"]:
                continue  # the row changed before the pointer got there: the operator aims again
            aimed.append(st["hover"])
            time.sleep(0.3 + 0.1 * (len(aimed) % 3))  # the hand takes a moment; the rows re-sort around it
            xdo(xserver, "click", "1")
            # The profit tier asks twice: F, F.
            xdo(xserver, "key", *(["f", "f"] if st["hover_tier"] == "profit" else ["f"]))
        st = wait_for(state, lambda s: len([e for e in s["shop_log"] if e["op"] == "freeze"]) >= len(aimed), 20,
                      "the freezes to reach the shop")
        frozen_by_operator = [e["sku"] for e in st["shop_log"] if e["op"] == "freeze"]
        assert frozen_by_operator == aimed
        assert all(s in st["frozen"] for s in aimed)
        assert st["layouts"] - layouts0 >= 3, "the rows did not re-sort during the drill: it proved nothing"
        # A custom amount and F at once: R, 137, Enter, F in one burst of keys.
        for _ in range(20):
            st = wait_for(state, pickable, 10, "a row to aim at")
            target = pickable(st)[0]
            st = move_to(xserver, state, target)
            if st["hover"] not in aimed and not st["hover_frozen"] and st["hover_tier"] != "profit":
                break
        else:
            # Late in a fast show every row left may be a profit SKU (asks twice) or frozen: the burst
            # below is then not tried here (tests/test_desk_drills.py drills it with QTest every run).
            print("custom-amount burst not tried: no unfrozen non-profit row to aim at")
            return
        sku = st["hover"]
        xdo(xserver, "click", "1")
        xdo(xserver, "key", "--delay", "30", "r", "ctrl+a", "1", "3", "7", "Return", "f")
        st = wait_for(state, lambda s: ["restock", sku, 137] in s["acked"] and sku in s["frozen"], 20,
                      f"+137 and the freeze of {sku}")
        assert st["qty"] == 137 and st["focus"] == "table"
        ops = [e["op"] for e in st["shop_log"] if e["sku"] == sku]
        assert ops[:2] == ["restock", "freeze"], ops
    finally:
        open(state + ".stop", "w").close()
        try:
            desk.wait(15)
        except subprocess.TimeoutExpired:
            desk.kill()
            desk.wait(5)
