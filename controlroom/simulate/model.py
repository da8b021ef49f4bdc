"""The demo shop's books: demand, a lagging storefront, oversell and lost-sales accounting.

:class:`ShopModel` is pure and time-stepped (no sockets, no wall clock), so the
same seeded show runs live behind a :class:`~controlroom.shop.ShopServer`
(``controlroom simulate``) or offline at full speed (``controlroom evaluate``).

How overselling happens here, as in real shops: the live storefront decides
whether to accept an order against a *view* of the warehouse (stock, frozen,
delisted) that lags the truth by ``lag_s`` seconds.  An order accepted against
that stale view beyond the true stock is oversold: the shop publishes it, then
cancels it at once with ``reason: "oversold"`` and counts it.

Lost sales are the true demand the shop turned away.  Live demand is drawn at full
exposure (what the audience would buy if the SKU were shown as usual); a lowered
exposure shows each would-be order to the buyer with probability ``exposure`` and a
delisted SKU shows none, and the orders not shown are lost (``exposure``,
``delisted``), not gone.  Buyers who reach the storefront while its view says
frozen or delisted, or sold out, are lost too (``frozen``, ``delisted``,
``sold_out``), and so are other-channel buyers the warehouse refuses for the same
reasons.  An oversold order is lost too (``oversold``): the buyer ordered, the shop
cancelled, nobody got the goods — it is no sale, whatever the storefront showed.
``Books.lost_why`` splits the total by cause; ``Books.wanted`` is the true demand.
"""
from __future__ import annotations

import heapq
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from controlroom.shop.stamp import Stamper
from controlroom.simulate.scenarios import Scenario, make_scenario


LOST_CAUSES = ("sold_out", "frozen", "delisted", "exposure", "oversold")


@dataclass
class Books:
    """The shop's own accounting of what went wrong (ground truth for evaluation)."""

    oversold: dict[str, int] = field(default_factory=dict)  # units cancelled as oversold (also in ``lost``)
    lost: dict[str, float] = field(default_factory=dict)  # units buyers wanted but could not buy (or had cancelled)
    lost_why: dict[str, float] = field(default_factory=dict)  # the same units by cause (see LOST_CAUSES)
    wanted: dict[str, float] = field(default_factory=dict)  # true demand in units, at full exposure
    sellout_ts: dict[str, float] = field(default_factory=dict)  # first time true stock hit 0
    frozen_ts: dict[str, float] = field(default_factory=dict)  # first time frozen
    orders: int = 0
    units: int = 0

    def lose(self, sku: str, units: float, why: str) -> None:
        """Book ``units`` of demand for ``sku`` turned away, and why (one of LOST_CAUSES)."""
        self.lost[sku] = self.lost.get(sku, 0.0) + units
        self.lost_why[why] = self.lost_why.get(why, 0.0) + units

    def want(self, sku: str, units: float) -> None:
        self.wanted[sku] = self.wanted.get(sku, 0.0) + units

    def totals(self) -> dict:
        """Summary numbers."""
        return {"oversold_units": sum(self.oversold.values()),
                "lost_units": round(sum(self.lost.values()), 1),
                "lost_by_cause": {k: round(v, 1) for k, v in sorted(self.lost_why.items())},
                "sellouts": len(self.sellout_ts), "orders": self.orders, "units": self.units}


class ShopModel:
    """A seeded live show's shop, stepped in shop time.

    ``step(dt)`` advances the shop clock and returns stamped ``(topic, event)``
    pairs ready for the wire.  ``apply_command(req)`` applies freeze/restock/…
    (the warehouse changes at once; the storefront sees it after the lag).
    """

    def __init__(self, scenario: str | Scenario = "evening-show", seed: int = 1, lag_s: float = 2.0,
                 start_ts: float | None = None, stamper: Stamper | None = None) -> None:
        self.scenario = make_scenario(scenario, seed) if isinstance(scenario, str) else scenario
        sc = self.scenario
        self.seed = seed
        self.lag_s = float(lag_s)
        self.start_ts = float(start_ts if start_ts is not None else round(time.time(), 3))
        self.now = self.start_ts
        self.rng = np.random.default_rng(seed)
        # Which orders and carts a lowered exposure hides is drawn from a stream of its own, so a show
        # with an exposure command sees the same demand as without (common random numbers: the
        # difference `evaluate` measures is the command's, not a reshuffled show's).
        self.rng_shown = np.random.default_rng([seed, 7])
        self.stamper = stamper or Stamper(sc.room, clock=lambda: self.now)
        self.stamper.clock = lambda: self.now
        self.duration_s = sc.duration_s
        n = len(sc.skus)
        self.index = {s.sku: i for i, s in enumerate(sc.skus)}
        self.available = np.array([s.stock for s in sc.skus], dtype=np.int64)
        self.frozen = np.zeros(n, dtype=bool)
        self.delisted = np.zeros(n, dtype=bool)
        self.exposure = np.ones(n, dtype=float)
        self.base = np.array([s.base_rate for s in sc.skus]) / 60.0
        self.feat = np.array([s.feature_rate for s in sc.skus]) / 60.0
        self.other = np.array([s.other_rate for s in sc.skus]) / 60.0
        self.max_qty = [s.max_qty for s in sc.skus]
        self.prices = [s.price_cents for s in sc.skus]
        self.books = Books()
        self._view: deque[tuple[float, np.ndarray, np.ndarray]] = deque()
        self._cancels: list[tuple[float, int, str, int]] = []  # (due_ts, tiebreak, order_id, sku index)
        self._order_no = 0
        self._outbox: list[tuple[str, dict]] = []
        self._last_traffic = self.start_ts
        self._entries_acc = 0.0
        self.viewers = int(sc.viewers(0.0))
        self.featured: str | None = None
        self._restock_i = 0  # next scheduled delivery (scenario.restocks)

    def restart_publisher(self) -> Stamper:
        """Model a publisher restart: a new epoch, seq from 1, the books unchanged."""
        self.stamper = Stamper(self.room, clock=lambda: self.now)
        return self.stamper

    # --- catalogue and snapshot ---------------------------------------------------------
    @property
    def room(self) -> str:
        return self.scenario.room

    @property
    def catalog(self) -> list[dict]:
        """The SKUs with their current state, in snapshot form."""
        out = []
        for i, s in enumerate(self.scenario.skus):
            out.append({"sku": s.sku, "name": s.name, "tier": s.tier, "price_cents": s.price_cents,
                        "available": int(self.available[i]), "frozen": bool(self.frozen[i]),
                        "delisted": bool(self.delisted[i]), "exposure": float(self.exposure[i])})
        return out

    def snapshot(self) -> dict:
        """The book's answer to a snapshot request (the server adds id, ok, epoch, seq)."""
        return {"room": self.room, "viewers": self.viewers, "featured": self.featured, "skus": self.catalog}

    @property
    def done(self) -> bool:
        return self.now - self.start_ts >= self.duration_s

    def drain(self) -> list[tuple[str, dict]]:
        """Events stamped outside step() (command results) not yet handed out."""
        out, self._outbox = self._outbox, []
        return out

    # --- demand -----------------------------------------------------------------------------
    def _interest(self, t: float) -> np.ndarray:
        """Live demand per SKU in orders/s at show time ``t`` (before exposure and stock)."""
        sc = self.scenario
        rate = self.base * sc.audience_factor(t)
        feat = self._featured_at(t)
        if feat is not None:
            start, end, sku = feat
            i = self.index[sku]
            rate[i] += self.feat[i] * min(1.0, (t - start) / sc.feature_ramp_s) * sc.audience_factor(t) * 1.4
        prev = self._previous_feature(t)
        if prev is not None:
            start, end, sku = prev
            i = self.index[sku]
            rate[i] += self.feat[i] * np.exp(-(t - end) / sc.feature_decay_s) * sc.audience_factor(t)
        for i, s in enumerate(sc.skus):
            if s.steps:
                rate[i] *= s.step_factor(t)
            for fstart, fdur, frate in s.flashes:
                if fstart <= t < fstart + fdur:
                    rate[i] += frate
        return rate

    def _featured_at(self, t: float):
        for f in self.scenario.featured:
            if f[0] <= t < f[1]:
                return f
            if f[0] > t:
                break
        return None

    def _previous_feature(self, t: float):
        prev = None
        for f in self.scenario.featured:
            if f[1] <= t:
                prev = f
            else:
                break
        return prev

    def _storefront_view(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Available, frozen and delisted as the storefront sees them: ``lag_s`` old."""
        cutoff = self.now - self.lag_s
        view = self._view
        while len(view) > 1 and view[1][0] <= cutoff:
            view.popleft()
        if not view:
            return self.available, self.frozen, self.delisted
        return view[0][1], view[0][2], view[0][3]

    def _shown(self, wanted: np.ndarray) -> np.ndarray:
        """Of the would-be live orders ``wanted`` (full exposure), those the storefront shows a buyer.

        Each order is shown with probability ``exposure`` (none while delisted), drawn from
        ``rng_shown`` only for a SKU shown at 0 < exposure < 1: the show's own stream draws the
        same numbers whatever the exposure, and a show with no exposure command draws exactly the
        numbers it drew before lost demand was booked.
        """
        p = self.exposure * ~self.delisted
        if not (p < 1.0).any():
            return wanted
        shown = wanted.copy()
        for i in np.flatnonzero((p < 1.0) & (wanted > 0)):
            shown[i] = 0 if p[i] <= 0.0 else self.rng_shown.binomial(int(wanted[i]), float(p[i]))
        return shown

    def _qty(self, i: int) -> int:
        return 1 if self.max_qty[i] == 1 else int(self.rng.integers(1, self.max_qty[i] + 1))

    # --- stepping ---------------------------------------------------------------------------
    def step(self, dt: float) -> list[tuple[str, dict]]:
        """Advance the shop clock by ``dt`` seconds; return the stamped events of that slice."""
        out = self._outbox
        self._outbox = []
        self.now += dt
        t = self.now - self.start_ts
        sc = self.scenario
        stamp = self.stamper.stamp
        feat = self._featured_at(t)
        self.featured = feat[2] if feat else None

        self._scheduled(t, out)
        # User cancels that fell due.
        while self._cancels and self._cancels[0][0] <= self.now:
            _, _, oid, i = heapq.heappop(self._cancels)
            self._return(i, oid, 1, "user", out)

        # True live demand, at full exposure; what exposure and delisting hide of it is lost.
        wanted = self.rng.poisson(self._interest(t - sc.cart_lead_s) * dt)
        other_orders = self.rng.poisson(self.other * dt)
        # Carts are what buyers do on the storefront: only shown SKUs collect them.
        carts = self.rng.poisson(self._interest(t) * sc.carts_per_order * (~self.delisted) * dt)
        cart_removed = self.rng.poisson(carts * 0.25 + 0.0)
        lowered = (self.exposure < 1.0) & (carts > 0)
        if lowered.any():  # the buyers a lowered exposure never shows the SKU add (and remove) no cart
            carts, cart_removed = carts.copy(), cart_removed.copy()
            e = self.exposure[lowered]
            carts[lowered] = self.rng_shown.binomial(carts[lowered], e)
            cart_removed[lowered] = self.rng_shown.binomial(cart_removed[lowered], e)
        live_orders = self._shown(wanted)
        view_avail, view_frozen, view_delisted = self._storefront_view()
        books = self.books
        for i in np.flatnonzero(wanted | other_orders | carts):
            sku = sc.skus[i].sku
            c = int(carts[i]) - int(cart_removed[i])
            if c:
                out.append(("cart", stamp({"sku": sku, "delta": c})))
            n_live = int(live_orders[i])
            hidden = int(wanted[i]) - n_live
            if hidden:
                units = sum(self._qty(i) for _ in range(hidden))
                books.want(sku, units)
                books.lose(sku, units, "delisted" if self.delisted[i] else "exposure")
            if n_live:
                asked = 0
                turned = 0
                for _ in range(n_live):
                    qty = self._qty(i)
                    asked += qty
                    if view_frozen[i] or view_delisted[i] or view_avail[i] <= 0:
                        turned += qty
                        continue
                    self._sell(i, sku, qty, "live", out)
                books.want(sku, asked)
                if turned:
                    books.lose(sku, turned, "delisted" if view_delisted[i] else
                               ("frozen" if view_frozen[i] else "sold_out"))
            n_other = int(other_orders[i])
            if n_other:
                books.want(sku, n_other)
                for _ in range(n_other):
                    # Other channels check the warehouse directly: no lag, no oversell.
                    if self.frozen[i] or self.delisted[i] or self.available[i] < 1:
                        books.lose(sku, 1, "frozen" if self.frozen[i] else
                                   ("delisted" if self.delisted[i] else "sold_out"))
                        continue
                    self._sell(i, sku, 1, "other", out)

        if self.now - self._last_traffic >= 1.0:
            v = sc.viewers(t)
            self._entries_acc += v * 0.015 * (self.now - self._last_traffic) * (0.8 + 0.4 * self.rng.random())
            self.viewers = int(v)
            out.append(("traffic", stamp({"viewers": self.viewers, "entries": int(self._entries_acc),
                                          "featured": self.featured})))
            self._entries_acc -= int(self._entries_acc)
            self._last_traffic = self.now
        self._view.append((self.now, self.available.copy(), self.frozen.copy(), self.delisted.copy()))
        return out

    def _scheduled(self, t: float, out: list) -> None:
        """The scenario's deliveries and price changes that fell due by show time ``t``."""
        sc = self.scenario
        while self._restock_i < len(sc.restocks) and sc.restocks[self._restock_i][0] <= t:
            _at, sku, qty = sc.restocks[self._restock_i]
            self._restock_i += 1
            self.apply_command({"op": "restock", "sku": sku, "qty": qty})
            out.extend(self.drain())
        for i, s in enumerate(sc.skus):
            for at, _k, price in s.steps:
                if at <= t:
                    self.prices[i] = price

    def _sell(self, i: int, sku: str, qty: int, channel: str, out: list) -> None:
        self._order_no += 1
        oid = f"{self.stamper.epoch}-{self._order_no}"
        out.append(("order", self.stamper.stamp({"order_id": oid, "sku": sku, "qty": qty,
                                                 "price_cents": self.prices[i], "channel": channel})))
        self.available[i] -= qty
        self.books.orders += 1
        self.books.units += qty
        if self.available[i] < 0:
            # Accepted against a stale view: the warehouse cannot ship it.
            self.books.oversold[sku] = self.books.oversold.get(sku, 0) + qty
            self.books.lose(sku, qty, "oversold")  # cancelled: a buyer who wanted it and did not get it
            self._return(i, oid, qty, "oversold", out)
        else:
            if self.available[i] == 0 and sku not in self.books.sellout_ts:
                self.books.sellout_ts[sku] = self.now
            if channel == "live" and self.rng.random() < self.scenario.user_cancel_frac:
                due = self.now + float(self.rng.uniform(60, 600))
                heapq.heappush(self._cancels, (due, self._order_no, oid, i))

    def _return(self, i: int, oid: str, qty: int, reason: str, out: list) -> None:
        sku = self.scenario.skus[i].sku
        self.available[i] += qty
        self.books.units -= qty
        out.append(("cancel", self.stamper.stamp({"order_id": oid, "sku": sku, "qty": qty, "reason": reason})))

    # --- commands ---------------------------------------------------------------------------
    def apply_command(self, req: dict) -> dict:
        """Apply a validated command to the warehouse; stamp the resulting ``stock`` event."""
        sku = req.get("sku")
        i = self.index.get(sku)
        if i is None:
            return {"ok": False, "error": f"unknown SKU {str(sku)[:64]!r}"}
        op = req["op"]
        if op == "freeze":
            self.frozen[i] = True
            self.books.frozen_ts.setdefault(sku, self.now)
        elif op == "unfreeze":
            self.frozen[i] = False
        elif op == "restock":
            self.available[i] += int(req["qty"])
        elif op == "exposure":
            self.exposure[i] = float(req["weight"])
        elif op == "delist":
            self.delisted[i] = True
        elif op == "relist":
            self.delisted[i] = False
        else:  # validate_command keeps unknown ops out; this guards direct callers
            return {"ok": False, "error": f"unknown op {op!r}"}
        state = {"sku": sku, "available": int(self.available[i]), "frozen": bool(self.frozen[i]),
                 "delisted": bool(self.delisted[i]), "exposure": float(self.exposure[i])}
        self._outbox.append(("stock", self.stamper.stamp(dict(state))))
        return {"ok": True, **state}
