"""Sample frames of the host view in each state (screenshots, the render test, the docs)."""
from __future__ import annotations

from dataclasses import replace

from controlroom.state.view import PromptView, SkuView, ViewSnapshot
from ui.host.state import HostState, host_state

STATES = ("normal", "warning", "critical", "sold_out", "frozen", "prompt", "lost")
SIZES = ((1280, 720), (1920, 1080), (3840, 2160), (1080, 1920))

_OTHERS = (SkuView("H02", "羊绒围巾", "profit", 19900, 800, False, rate_per_min=3.1),
           SkuView("H03", "手工皂 薰衣草", "long_tail", 2900, 38, False, level="warning", rate_per_min=1.0),
           SkuView("H04", "无线蓝牙耳机", "profit", 15900, 12, False, level="critical"),
           SkuView("H05", "补水保湿面膜 10片", "traffic_driver", 990, 2180, False))


def sample_state(name: str) -> HostState:
    """The host view's frame in state ``name`` (one of :data:`STATES`)."""
    f = SkuView("H01", "保温杯 500ml", "traffic_driver", 5990, 1286, False, sold=420, rate_per_min=22.0,
                window_min=15.0, sellout_s=3500.0, featured=True)
    prompt = None
    if name == "warning":
        f = replace(f, available=186, level="warning", sellout_s=500.0)
    elif name == "critical":
        f = replace(f, available=42, level="critical", sellout_s=75.0)
    elif name == "sold_out":
        f = replace(f, available=0, level="critical", sellout_s=0.0)
    elif name == "frozen":
        f = replace(f, available=58, frozen=True, level="critical", sellout_s=None)
    elif name == "prompt":
        f = replace(f, available=312, level="watch", sellout_s=900.0)
        prompt = PromptView(id="p1", text="", by="运营-小李", ts=0.0, preset="restock", arg=2)
    view = ViewSnapshot(room="demo-evening", featured="H01", skus=(f, *_OTHERS), prompt=prompt)
    st = host_state(view, "live", seq=100)
    if name == "lost":
        st = replace(st, health="lost", silent_s=3.0)
    return st
