"""The exact per-SKU stock mirror, fed by validated events.

The mirror is pure bookkeeping with no sockets, so the live feed client, the
offline evaluator and the session replay all count stock the same way.
"""
from __future__ import annotations

from collections import Counter, _count_elements, deque
from dataclasses import dataclass

from controlroom.protocol import Reject


STR_ONLY = frozenset((str,))
INT_ONLY = frozenset((int,))
DEDUP_GENERATION = 250_000  # ids per generation; two generations are remembered
DEDUP_WINDOW_S = 120.0  # shop seconds per generation at most (so at least the last 2 minutes are remembered)
DRIFTS_KEPT = 1000  # latest drifts kept for the desk and the review (all are counted)


class RecentIds:
    """The order ids seen lately: at least the last ``generation`` ids or the last ``window_s`` of
    shop time, whichever holds fewer; at most twice that.

    An unbounded set grows without end during a show, and each time it grows
    CPython rehashes all of it in one step while holding the GIL (78 ms at 2.5M
    ids, measured): the desk's GUI thread stalled on it.  Two bounded generations
    keep lookups O(1), memory bounded and every rehash small.  A generation also
    ends after ``window_s`` of shop time (when the caller gives the events' ``ts``):
    a 10M-event show filled both 250,000-id generations in the core's mirror and in
    the session log's: 61 MB with the id strings shared (tracemalloc); two minutes of
    ids are a fraction of that.  A shop that re-sends an order does so within
    seconds, far inside the window.
    """

    __slots__ = ("generation", "window_s", "current", "previous", "since")

    def __init__(self, generation: int = DEDUP_GENERATION, window_s: float = DEDUP_WINDOW_S) -> None:
        self.generation = generation
        self.window_s = window_s
        self.current: set[str] = set()
        self.previous: set[str] = set()
        self.since: float | None = None  # shop time the current generation began (first ts given)

    def __contains__(self, oid: str) -> bool:
        return oid in self.current or oid in self.previous

    def __len__(self) -> int:
        return len(self.current) + len(self.previous)

    def add(self, oid: str, ts: float | None = None) -> None:
        if ts is not None and (self.since is None or ts - self.since >= self.window_s):
            self._turn(ts)
        self.current.add(oid)
        if len(self.current) >= self.generation:
            self._rotate()

    def isdisjoint(self, oids) -> bool:
        return self.current.isdisjoint(oids) and self.previous.isdisjoint(oids)

    def update(self, oids, ts: float | None = None) -> None:
        if ts is not None and (self.since is None or ts - self.since >= self.window_s):
            self._turn(ts)
        self.current.update(oids)
        if len(self.current) >= self.generation:
            self._rotate()

    def add_new(self, oids, ts: float | None = None) -> bool:
        """Add a batch's ids (a set, or a tuple straight from the columns; events up to shop time
        ``ts``) if none of them was seen and none comes twice; else add none and return False
        (a generation may have turned meanwhile: that forgets nothing).

        No set is built for the batch: the ids' strings cache their hash at the first lookup, the
        insert's probes land where the check's did (in cache), and the count after the insert
        shows an id the batch holds twice, which is rare enough to undo."""
        prev = self.previous  # empty for the first generation: then not walked at all
        if not self.current.isdisjoint(oids) or (prev and not prev.isdisjoint(oids)):
            return False
        if ts is not None and (self.since is None or ts - self.since >= self.window_s):
            self._turn(ts)
        cur = self.current
        n0 = len(cur)
        cur.update(oids)
        if len(cur) - n0 != len(oids):
            cur.difference_update(oids)  # none of them was in any generation before (checked above)
            return False
        if len(cur) >= self.generation:
            self._rotate()
        return True

    def _turn(self, ts: float) -> None:
        """Shop time ``ts`` has come: start timing the first generation, or end one that is
        ``window_s`` old (the previous generation then spans at least ``window_s``)."""
        if self.since is not None:
            self._rotate()
        self.since = ts

    def _rotate(self) -> None:
        self.previous = self.current
        self.current = set()
        self.since = None  # the next ts given starts the new generation's clock


@dataclass(slots=True)
class SkuStock:
    """Mutable per-SKU state owned by the core thread."""

    sku: str
    name: str
    tier: str
    price_cents: int
    available: int
    frozen: bool = False
    delisted: bool = False
    exposure: float = 1.0
    sold: int = 0  # units ordered minus units cancelled, this session
    orders: int = 0
    gmv_cents: int = 0
    cart: int = 0  # net units sitting in carts as far as cart events tell


class StockMirror:
    """Mirrors available stock exactly: orders subtract, cancels add, ``stock`` sets.

    An ``order_id`` is counted once however often it arrives, and so is its cancel.
    A ``stock`` value that differs from the mirror is recorded in ``drifts``.
    """

    def __init__(self) -> None:
        self.room: str | None = None
        self.skus: dict[str, SkuStock] = {}
        self.viewers = 0
        self.entries = 0
        self.featured: str | None = None
        self.last_ts = 0.0
        self.orders_seen = RecentIds()
        self.cancels_seen = RecentIds()
        # (ts, sku, mirror, shop) of the latest drifts: a shop that drifts all show long must not
        # grow the core's memory; drift_count counts every one (readers compare it, not len()).
        self.drifts: deque[tuple[float, str, int, int]] = deque(maxlen=DRIFTS_KEPT)
        self.drift_count = 0
        # The per-SKU sums of the last order batch apply_columns took, (orders, units, gross or None
        # when every order had one price): the feed client hands them on with the batch, so the
        # session log's summary does not count the same batch again (controlroom.log.summary_batch).
        self.order_sums: tuple | None = None
        self.units = 0
        self.orders = 0
        self.gmv_cents = 0

    def reset(self, snap: dict) -> None:
        """Adopt a snapshot reply as the new truth (keeps session totals and seen ids)."""
        self.room = snap["room"]
        self.viewers = int(snap.get("viewers") or 0)
        self.featured = snap.get("featured")
        old = self.skus
        skus: dict[str, SkuStock] = {}
        for s in snap["skus"]:
            prev = old.get(s["sku"])
            st = SkuStock(
                sku=s["sku"], name=s.get("name") or s["sku"], tier=s.get("tier") or "long_tail",
                price_cents=int(s.get("price_cents") or 0), available=int(s["available"]),
                frozen=bool(s.get("frozen")), delisted=bool(s.get("delisted", False)),
                exposure=float(s.get("exposure", 1.0)),
            )
            if prev is not None:
                st.sold, st.orders, st.gmv_cents, st.cart = prev.sold, prev.orders, prev.gmv_cents, prev.cart
            skus[st.sku] = st
        self.skus = skus

    def apply(self, ev: dict) -> bool:
        """Apply one validated event. Returns False for a duplicate (counted once already).

        Raises :class:`Reject` (``unknown_sku``) for a SKU not in the catalogue; the
        event then changes nothing.
        """
        topic = ev["topic"]
        ts = ev["ts"]
        if ts > self.last_ts:
            self.last_ts = ts
        if topic == "hb":
            return True
        if topic == "traffic":
            self.viewers = ev["viewers"]
            self.entries += ev["entries"]
            self.featured = ev["featured"]
            return True
        st = self.skus.get(ev["sku"])
        if st is None:
            raise Reject("unknown_sku", ev["sku"][:64])
        if topic == "order":
            oid = ev["order_id"]
            if oid in self.orders_seen:
                return False
            self.orders_seen.add(oid, ts)
            q = ev["qty"]
            st.available -= q
            st.sold += q
            st.orders += 1
            st.gmv_cents += q * ev["price_cents"]
            self.units += q
            self.orders += 1
            self.gmv_cents += q * ev["price_cents"]
        elif topic == "cancel":
            oid = ev["order_id"]
            if oid in self.cancels_seen:
                return False
            self.cancels_seen.add(oid, ts)
            q = ev["qty"]
            st.available += q
            st.sold -= q
            self.units -= q
            # Refund at the SKU's list price: cancels carry no price on the wire.
            st.gmv_cents -= q * st.price_cents
            self.gmv_cents -= q * st.price_cents
        elif topic == "cart":
            st.cart = max(0, st.cart + ev["delta"])
        elif topic == "stock":
            if ev["available"] != st.available:
                self.drifts.append((ts, st.sku, st.available, ev["available"]))
                self.drift_count += 1
            st.available = ev["available"]
            st.frozen = ev["frozen"]
            if "delisted" in ev:
                st.delisted = bool(ev["delisted"])
        return True

    def apply_columns(self, topic: str, cols: tuple, typed: bool = False) -> bool:
        """Apply a whole checked batch (see ``feed.validate.check_batch``) at once.

        All or nothing: returns False, changing nothing, when the batch holds a
        duplicate or an unknown SKU, so the caller can take the per-event path.
        ``typed``: the caller vouches that every SKU and order id is a ``str`` and every
        quantity and price an ``int`` (the feed's batch Structs), so they are not checked again.
        """
        ts = cols[3]
        if topic == "order":
            self.order_sums = None
            oid, sku, qty, price = cols[5], cols[6], cols[7], cols[8]
            skus = self.skus
            if not typed and not STR_ONLY >= set(map(type, sku)):
                return False
            per_sku: dict = {}
            _count_elements(per_sku, sku)  # Counter's own C loop, without Counter's Python around it
            n = len(oid)
            m = max(ts)
            if not skus.keys() >= per_sku.keys() or not self.orders_seen.add_new(oid, m):
                return False
            p = price[0]
            if qty.count(1) == n and price.count(p) == n:
                # The common shape at peak: single units at one price. Counted in C.
                for s, u in per_sku.items():
                    st = skus[s]
                    st.available -= u
                    st.sold += u
                    st.orders += u
                    st.gmv_cents += p * u
                self.gmv_cents += p * n
                self.units += n
                self.orders += n
                if m > self.last_ts:
                    self.last_ts = m
                self.order_sums = (per_sku, per_sku, None)  # one unit an order, one price
                return True
            # Counted per distinct (sku, qty[, price]) in C, not per event in Python: a batch
            # has a few dozen distinct pairs against hundreds of events.  With the protocol's
            # integers the grouping cannot change a sum; anything else is added event by event.
            orders: dict = {}
            units: dict = {}
            gmv: dict = {}
            one_price = False
            if not typed and not (INT_ONLY >= set(map(type, qty)) and INT_ONLY >= set(map(type, price))):
                for s, q, p in zip(sku, qty, price):
                    orders[s] = orders.get(s, 0) + 1
                    units[s] = units.get(s, 0) + q
                    gmv[s] = gmv.get(s, 0) + q * p
            elif len(set(price)) == 1:
                p = price[0]
                one_price = True
                for (s, q), c in Counter(zip(sku, qty)).items():
                    orders[s] = orders.get(s, 0) + c
                    units[s] = units.get(s, 0) + q * c
                for s, u in units.items():
                    gmv[s] = u * p
            else:
                for (s, q, p), c in Counter(zip(sku, qty, price)).items():
                    orders[s] = orders.get(s, 0) + c
                    units[s] = units.get(s, 0) + q * c
                    gmv[s] = gmv.get(s, 0) + q * p * c
            for s, u in units.items():
                st = skus[s]
                st.available -= u
                st.sold += u
                st.orders += orders[s]
                g = gmv[s]
                st.gmv_cents += g
                self.gmv_cents += g
            self.units += sum(units.values())
            self.orders += len(oid)
            # (at one price the gross is units x price: one dict fewer held while the batch waits for the log)
            self.order_sums = (orders, units, None if one_price else gmv)
        elif topic == "cart":
            sku, delta = cols[5], cols[6]
            if (not typed and not STR_ONLY >= set(map(type, sku))) or not self.skus.keys() >= set(sku):
                return False
            for s, d in zip(sku, delta):
                st = self.skus[s]
                st.cart = max(0, st.cart + d)
        elif topic == "hb":
            pass
        else:
            return False  # cancels, stock and traffic are rare: the per-event path is fine
        m = max(ts)
        if m > self.last_ts:
            self.last_ts = m
        return True

    def available(self) -> dict[str, int]:
        """Per-SKU available stock, as a plain dict."""
        return {k: s.available for k, s in self.skus.items()}
