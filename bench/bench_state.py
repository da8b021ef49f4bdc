"""Encode/decode cost per state frame: the old pickled full frame (controlroom.live.process) vs the stream's msgpack snapshot and delta (controlroom.state.schema), on a synthetic 500-SKU view.  Run: python bench/bench_state.py"""
import time, numpy as np
from controlroom.state import schema as s
from controlroom.state.view import SkuView, ViewSnapshot
from controlroom.live.process import encode_frame, decode_frame
skus = tuple(SkuView(f"S{i:04d}", f"Product {i}", "hero", 1999, 100+i, False, sold=i, rate_per_min=1.5, spark=tuple(float(x) for x in range(60))) for i in range(500))
v = ViewSnapshot(version=1, room="r", skus=skus)
hist = {f"S{i:04d}": (np.arange(256.0), np.arange(256.0)) for i in range(9)}
def t(f, n=50):
    t0=time.perf_counter()
    for _ in range(n): r=f()
    return (time.perf_counter()-t0)/n*1000, r
ms_e, b = t(lambda: encode_frame(v, hist, {}))
ms_d, _ = t(lambda: decode_frame(b))
print(f"pickle full frame: {len(b)/1000:.0f} kB enc {ms_e:.2f} ms dec {ms_d:.2f} ms")
room = s.room_to_wire(v); wire = tuple(s.sku_to_wire(x) for x in skus)
ms_c, _ = t(lambda: tuple(s.sku_to_wire(x) for x in skus))
snap = s.Snapshot(1, "e", 1, room, wire)
ms_e, b = t(lambda: s.encode(snap)); dec = s.client_decoder()
ms_d, f = t(lambda: dec.decode(b))
ms_v, _ = t(lambda: s.view_from_wire(f.room, [s.sku_from_wire(w) for w in f.skus]))
print(f"msgpack snapshot 500: {len(b)/1000:.0f} kB enc {ms_e:.2f} ms (+{ms_c:.2f} ms to_wire all) dec {ms_d:.2f} ms + {ms_v:.2f} ms to views")
d = s.Delta(1, "e", 2, room, wire[:10], (), None)
ms_e, b = t(lambda: s.encode(d), 500); ms_d, f = t(lambda: dec.decode(b), 500)
print(f"msgpack delta 10 SKUs: {len(b)/1000:.1f} kB enc {ms_e:.3f} ms dec {ms_d:.3f} ms")
