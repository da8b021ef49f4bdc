"""An engine restarted on its show's log goes on from the show's totals, not from zero.

The log writer, continuing the file, has replayed it and left a
:class:`~controlroom.log.resume.ResumePoint` (:attr:`SessionLog.resume`); at the first snapshot
of the run the core thread copies it into its stock mirror (units, orders, GMV, each SKU's sold,
orders and GMV), the snapshot builder (the show's start, so the session clock goes on) and the
lost-sales meter.  The shop's snapshot still sets the stock: only the counters come from the log.
What happened while no engine ran (between the log's last event and the new snapshot) is in
neither, so orders placed in that gap are not counted (the shop's snapshot carries stock only).
"""
from __future__ import annotations

from typing import Any


def resume_show(session: Any, point: Any) -> bool:
    """Copy ``point`` (a ResumePoint, or None for a new log) into ``session``'s mirror, builder and
    lost-sales meter (core thread, right after the first snapshot reset).  Returns whether it did."""
    if point is None or point.t0 is None:
        return False
    m = session.feed.mirror
    m.units, m.orders, m.gmv_cents = point.units, point.orders, point.gmv_cents
    for sku, (sold, orders, gmv) in point.skus.items():
        st = m.skus.get(sku)
        if st is not None:
            st.sold, st.orders, st.gmv_cents = sold, orders, gmv
    b = session.builder
    b.started_ts = point.t0
    b.lost.resume(point, {k: st.price_cents for k, st in m.skus.items()})
    return True
