"""bench/ui_replay.py stays working: a tiny live run is recorded, then replayed into a real desk (no time asserted)."""
from __future__ import annotations

import msgspec
import pytest

pytestmark = pytest.mark.timeout(240)


def test_record_then_replay_a_tiny_desk_run(tmp_path):
    from bench import ui_replay

    out = tmp_path / "frames.msgpack"
    live = ui_replay.record(str(out), 1.5, rate=2000, n_skus=50, baseline_s=0.5)
    batches = msgspec.msgpack.decode(out.read_bytes())
    assert batches and all(isinstance(b, list) and b for b in batches)
    assert {name for b in batches for name, _data in b} <= {"sub", "dealer"}
    res = ui_replay.replay(str(out), skip=2)
    assert res["rows"] == 50  # every SKU of the recorded room reached the replayed table
    assert res["refreshes"] > 0
    assert set(res["cpu_ms"]) == {"decode", "table+panels", "alerts+charts", "paint", "total"}
    assert live["loaded"]["feed_gaps"] == 0
