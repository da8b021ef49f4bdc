"""Scripted event streams with known ground truth (tests, docs, backtest fixtures).

Events are evenly spaced (no randomness), so a script's sell-out time, rates and
line crossings can be computed by hand::

    s = Script([{"sku": "A1", "tier": "traffic_driver", "available": 600}])
    s.orders("A1", per_min=10, start_s=0, end_s=3600)      # sells out at 60 min
    result = replay(s.snapshot(), s.events(), Settings(), end_ts=s.ts(3700))

Times are seconds since the script's start; :meth:`Script.ts` converts to shop time.
:meth:`Script.events` returns protocol-valid events (``validate_event``) in shop
time order, plus the replay pseudo-events for feed states and resets.
"""
from __future__ import annotations

from controlroom.protocol import PROTOCOL_VERSION, validate_event

__all__ = ["Script"]


class Script:
    """Builder of a deterministic event stream for one room."""

    def __init__(self, skus: list[dict], *, room: str = "test-room", start_ts: float = 1_700_000_000.0,
                 viewers: int = 1000, featured: str | None = None, id_prefix: str = "o") -> None:
        self.room = room
        self.start_ts = float(start_ts)
        self.viewers = viewers
        self.featured = featured
        self.skus = [dict(s) for s in skus]
        for s in self.skus:
            s.setdefault("name", s["sku"])
            s.setdefault("tier", "traffic_driver")
            s.setdefault("price_cents", 1000)
            s.setdefault("frozen", False)
        self._items: list[tuple[float, int, str, dict]] = []  # (ts, order of insertion, topic, fields)
        self._n = 0
        self._orders = 0
        self.id_prefix = id_prefix
        self.sold = {s["sku"]: 0 for s in self.skus}

    def ts(self, t: float) -> float:
        """Shop time of script time ``t`` (seconds since start)."""
        return self.start_ts + t

    def snapshot(self) -> dict:
        """The snapshot the replay's mirror starts from."""
        return {"room": self.room, "viewers": self.viewers, "featured": self.featured,
                "skus": [dict(s) for s in self.skus]}

    def _add(self, t: float, topic: str, fields: dict) -> None:
        self._n += 1
        self._items.append((self.ts(t), self._n, topic, fields))

    @staticmethod
    def _times(per_min: float, start_s: float, end_s: float) -> list[float]:
        if per_min <= 0 or end_s <= start_s:
            return []
        step = 60.0 / per_min
        out = []
        t = start_s + step
        while t <= end_s + 1e-9:
            out.append(round(t, 6))
            t += step
        return out

    def orders(self, sku: str, per_min: float, start_s: float, end_s: float, *, qty: int = 1,
               channel: str = "live", price_cents: int = 1000) -> list[str]:
        """Evenly spaced orders in ``(start_s, end_s]``; returns their order ids."""
        ids = []
        for t in self._times(per_min, start_s, end_s):
            self._orders += 1
            oid = f"{self.id_prefix}{self._orders}"
            ids.append(oid)
            self.sold[sku] += qty
            self._add(t, "order", {"order_id": oid, "sku": sku, "qty": qty, "price_cents": price_cents,
                                   "channel": channel})
        return ids

    def order(self, sku: str, at_s: float, qty: int = 1, channel: str = "live") -> str:
        """One order at ``at_s``."""
        self._orders += 1
        oid = f"{self.id_prefix}{self._orders}"
        self.sold[sku] += qty
        self._add(at_s, "order", {"order_id": oid, "sku": sku, "qty": qty, "price_cents": 1000, "channel": channel})
        return oid

    def cancel(self, sku: str, order_id: str, at_s: float, qty: int = 1, reason: str = "user") -> None:
        self._add(at_s, "cancel", {"order_id": order_id, "sku": sku, "qty": qty, "reason": reason})

    def carts(self, sku: str, per_min: float, start_s: float, end_s: float, *, delta: int = 1) -> None:
        """Evenly spaced cart events of ``delta`` units."""
        for t in self._times(per_min, start_s, end_s):
            self._add(t, "cart", {"sku": sku, "delta": delta})

    def traffic(self, start_s: float, end_s: float, *, viewers: int | None = None, featured: str | None = None,
                entries_per_s: int = 1, every_s: float = 1.0) -> None:
        """Traffic events every ``every_s`` seconds (viewers, entries, featured SKU)."""
        v = self.viewers if viewers is None else viewers
        t = start_s + every_s
        while t <= end_s + 1e-9:
            self._add(t, "traffic", {"viewers": v, "entries": int(entries_per_s * every_s), "featured": featured})
            t += every_s

    def stock(self, sku: str, at_s: float, available: int, frozen: bool = False) -> None:
        """A ``stock`` event: the shop's own count (and freeze state) at ``at_s``."""
        self._add(at_s, "stock", {"sku": sku, "available": available, "frozen": frozen})

    def heartbeats(self, start_s: float, end_s: float, every_s: float = 1.0) -> None:
        t = start_s + every_s
        while t <= end_s + 1e-9:
            self._add(t, "hb", {})
            t += every_s

    def feed_state(self, at_s: float, state: str) -> None:
        """Replay pseudo-event: the feed changes state (``stale``, ``live``, ...)."""
        self._add(at_s, "_feed", {"state": state})

    def events(self) -> list[dict]:
        """All events in shop-time order, stamped and validated."""
        out = []
        seq = 0
        for ts, _n, topic, fields in sorted(self._items, key=lambda x: (x[0], x[1])):
            if topic.startswith("_"):
                out.append({"topic": topic, "ts": ts, **fields})
                continue
            seq += 1
            ev = {"v": PROTOCOL_VERSION, "epoch": "scripted", "seq": seq, "ts": ts, "room": self.room, **fields}
            out.append(validate_event(topic, ev))
        return out
