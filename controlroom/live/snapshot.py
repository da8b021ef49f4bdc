"""Builds the immutable :class:`~controlroom.state.view.ViewSnapshot` on the core thread."""
from __future__ import annotations

import time
import uuid
from collections import deque
from typing import Any

from controlroom.live.lost import LostSalesMeter
from controlroom.state.view import LEVEL_RANK, FeedView, SkuView, ViewSnapshot

ROOM_SERIES_S = 1800  # room chart span: 30 minutes of shop time
SPARK_REFRESH_S = 2.0  # sparklines change slowly; recompute them every 2 s of wall time
MAX_COMMANDS = 200


def urgency_key(v: SkuView) -> tuple:
    """Most urgent first: level, then soonest pessimistic sell-out, then least stock."""
    so = v.sellout_pessimistic_s if v.sellout_pessimistic_s is not None else 1e18
    return (-LEVEL_RANK.get(v.level, 0), so, v.available)


class SnapshotBuilder:
    """Keeps the session-level series (viewers, order rate, featured periods) and builds snapshots."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.version = 0
        self.settings_version = 0
        self.room_series: deque = deque(maxlen=ROOM_SERIES_S)
        self.featured_periods: deque = deque(maxlen=500)
        self.confirmations: dict[str, dict] = {}
        self._spark: dict[str, tuple] = {}
        self._spark_at = 0.0
        self._last_orders = 0
        self._last_second_ts = None
        self.started_ts = 0.0
        self._drifts_seen = 0
        self._restocks_used: set[str] = set()  # command ids whose stock event has been seen
        self.drift: str | None = None
        self.restocks_seen = 0
        self.prompt = None  # PromptView on the host views (set by the core thread's prompt intent)
        self.lost = LostSalesMeter()

    @staticmethod
    def empty() -> ViewSnapshot:
        """The snapshot front ends see before the core has started."""
        return ViewSnapshot()

    # --- fed by the core thread ------------------------------------------------------------
    def on_second(self, ts: float) -> None:
        """Once per shop-second: room series and featured periods."""
        m = self.session.feed.mirror
        if not self.started_ts:
            self.started_ts = ts
        if self._last_second_ts is not None and ts > self._last_second_ts:
            per_min = (m.orders - self._last_orders) * 60.0 / (ts - self._last_second_ts)
        else:
            per_min = 0.0
        self._last_orders = m.orders
        self._last_second_ts = ts
        self.room_series.append((ts, m.viewers, per_min))
        self.lost.on_second(ts, m.skus)
        fp = self.featured_periods
        if m.featured is not None and (not fp or fp[-1][2] != m.featured or fp[-1][1] is not None):
            if fp and fp[-1][1] is None:
                fp[-1] = (fp[-1][0], ts, fp[-1][2])
            fp.append((ts, None, m.featured))
        elif m.featured is None and fp and fp[-1][1] is None:
            fp[-1] = (fp[-1][0], ts, fp[-1][2])

    def add_confirmation(self, action: dict) -> None:
        """An auto action waiting for the operator; one per SKU and op at a time."""
        for c in self.confirmations.values():
            if c["sku"] == action["sku"] and c["op"] == action["op"]:
                return
        cid = uuid.uuid4().hex[:12]
        self.confirmations[cid] = {**action, "id": cid, "asked_at": time.time()}

    def pop_confirmation(self, cid: str) -> dict | None:
        return self.confirmations.pop(cid, None)

    def _classify_drifts(self) -> None:
        """Sort the mirror's new drifts into our restocks landing and unexplained changes.

        The mirror records every ``stock`` event that moves its count.  After a restock
        command the shop publishes the new stock — up by exactly the restocked quantity —
        and that is the command working, not the mirror drifting.  A change that no restock
        of ours explains (a manual edit in the shop, lost or doubled events) stays a drift.
        """
        m = self.session.feed.mirror
        count = m.drift_count
        if count < self._drifts_seen:
            self._drifts_seen = 0
        if count == self._drifts_seen:
            return
        # The mirror keeps only its latest drifts (bounded): more than that since the last look
        # means the oldest of them are gone, which the count still says.
        new = list(m.drifts)[-min(count - self._drifts_seen, len(m.drifts)):]
        self._drifts_seen = count
        cmds = self.session.commands
        recs = cmds.records[-MAX_COMMANDS:] if cmds is not None else []
        for _ts, sku, had, shop in new:
            delta = shop - had
            rec = next((r for r in reversed(recs) if r.op == "restock" and r.sku == sku and r.qty == delta
                        and r.state in ("sent", "acked") and r.id not in self._restocks_used), None)
            if rec is not None:
                if len(self._restocks_used) >= 4 * MAX_COMMANDS:  # bounded: only ids still in the window matter
                    self._restocks_used &= {r.id for r in recs}
                self._restocks_used.add(rec.id)
                self.restocks_seen += 1
            else:
                self.drift = f"{sku}: mirror {had}, shop {shop} ({delta:+d})"

    # --- the snapshot ------------------------------------------------------------------------
    def build(self) -> ViewSnapshot:
        """A fresh immutable snapshot of everything the desk shows."""
        s = self.session
        feed = s.feed
        m = feed.mirror
        eng = s.engine
        now_wall = time.monotonic()
        if now_wall - self._spark_at >= SPARK_REFRESH_S and m.last_ts:
            self._spark = s.history_store.sparklines(m.last_ts)
            self._spark_at = now_wall
        tier_windows = {}
        skus = []
        for sku, st in m.skus.items():
            f = eng.forecast(sku)
            skus.append(SkuView(
                sku=sku, name=st.name, tier=st.tier, price_cents=st.price_cents, available=st.available,
                frozen=st.frozen, delisted=st.delisted, sold=st.sold, rate_per_min=f.rate_per_min,
                window_min=f.window_min, predicted_sales=f.predicted_sales, predicted_hi=f.predicted_hi,
                sellout_s=f.sellout_s, sellout_pessimistic_s=f.sellout_pessimistic_s, warning_line=f.warning_line,
                safety_stock=f.safety_stock, level=f.level, cart_rate_per_min=f.cart_rate_per_min,
                featured=(sku == m.featured), spark=self._spark.get(sku, ()),
            ))
            tier_windows[st.tier] = f.window_min
        skus.sort(key=urgency_key)
        alerts = tuple(a.to_view() if hasattr(a, "to_view") else a for a in eng.active_alerts())
        history = tuple(eng.history)[-200:][::-1] if hasattr(eng, "history") else ()
        # What the operator is shown: one episode per problem (controlroom.alerts.episodes).
        episodes = tuple(eng.open_episodes()) if hasattr(eng, "open_episodes") else ()
        cmds = s.commands.records[-MAX_COMMANDS:] if s.commands is not None else []
        commands = tuple(r.to_view() for r in reversed(cmds))
        self._classify_drifts()
        fv = FeedView(state=feed.state, epoch=feed.epoch, seq=feed.seq, last_gap=feed.last_gap,
                      last_drift=feed.last_drift, drift=self.drift, restocks_seen=self.restocks_seen,
                      events=sum(feed.counts.values()),
                      rejects=sum(feed.rejects.values()), resyncs=feed.resyncs, gaps=feed.gaps,
                      last_message_age_s=round(time.monotonic() - feed.last_message, 2),
                      behind_s=None if feed.behind_s is None else round(feed.behind_s, 1))
        self.version += 1
        return ViewSnapshot(
            version=self.version, ts=m.last_ts, started_ts=self.started_ts, room=m.room or "",
            viewers=m.viewers, featured=m.featured, gmv_cents=m.gmv_cents, units=m.units, orders=m.orders,
            feed=fv, command_channel=s.commands.state if s.commands is not None else "idle",
            skus=tuple(skus), alerts=alerts, episodes=episodes, history=history, commands=commands,
            room_series=tuple(self.room_series), featured_periods=tuple(self.featured_periods),
            confirmations=tuple(self.confirmations.values()), settings_version=self.settings_version,
            prompt=self.prompt,
            lost_units=round(self.lost.units, 2), lost_cents=round(self.lost.cents),
            host_prompts="host" in s.settings.notify.critical_channels,
            notify=s.notifier.desk_view() if s.notifier is not None else (),
        )
