"""Demo shop scenarios: the catalogue and the demand schedule of a show.

A scenario is plain data (catalogue, featured schedule, flash windows, audience
curve); :mod:`controlroom.simulate.model` turns it into events.  Everything is
drawn from a seeded generator, so a scenario and seed always give the same show.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

TIERS = ("traffic_driver", "profit", "long_tail")

# Product names for the demo catalogue (live-sale staples).
DRIVER_NAMES = [
    "补水保湿面膜 10片装", "氨基酸洗面奶 100g", "网红辣条大礼包", "纯棉抽纸 24包", "冰丝防晒袖套",
    "每日坚果 30袋", "竹纤维洗碗巾 5条", "速干运动袜 6双", "柠檬片冻干 500g", "一次性压缩毛巾",
]
PROFIT_NAMES = [
    "玻尿酸精华液 30ml", "真丝睡衣套装", "智能电动牙刷", "羊绒围巾", "无线蓝牙耳机",
    "空气炸锅 5L", "轻薄羽绒服", "不粘锅三件套", "恒温保温杯 500ml", "按摩颈枕",
    "香氛沐浴露 礼盒", "折叠收纳箱 3只装", "头层牛皮腰带", "护眼台灯",
]
LONG_TAIL_NAMES = [
    "手工皂 薰衣草", "复古发夹 4件套", "桌面绿植 多肉", "车载香薰", "帆布托特包",
    "陶瓷马克杯", "手机支架", "硅胶冰格", "便携餐具盒", "羊毛袜 礼盒", "木质梳子", "卡通钥匙扣",
]


@dataclass
class SkuSpec:
    """One SKU of a scenario and its demand parameters (rates in orders per minute)."""

    sku: str
    name: str
    tier: str
    price_cents: int
    stock: int
    base_rate: float  # live orders/min off-feature at the reference audience
    feature_rate: float  # extra live orders/min while featured (at full ramp)
    other_rate: float = 0.0  # orders/min from other channels (shop page, search)
    flashes: list[tuple[float, float, float]] = field(default_factory=list)  # (start_s, dur_s, orders/s)
    max_qty: int = 1
    # Price changes: (at_s, demand factor from then on, new price in cents), sorted.  A price
    # cut is a lasting step in demand, not a feature's burst.
    steps: list[tuple[float, float, int]] = field(default_factory=list)

    def step_factor(self, t: float) -> float:
        """Demand multiplier from price changes at show time ``t``."""
        f = 1.0
        for at, k, _price in self.steps:
            if at <= t:
                f = k
        return f


@dataclass
class Scenario:
    """A whole show: catalogue, audience curve and the host's schedule."""

    name: str
    room: str
    duration_s: float
    skus: list[SkuSpec]
    featured: list[tuple[float, float, str]]  # (start_s, end_s, sku), non-overlapping, sorted
    viewers_base: int = 3000
    viewers_peak: int = 12000
    ramp_s: float = 900.0
    cart_lead_s: float = 40.0  # carts lead orders by this much
    carts_per_order: float = 1.7
    user_cancel_frac: float = 0.02
    feature_ramp_s: float = 15.0
    feature_decay_s: float = 90.0
    # Deliveries: (at_s, sku, units) reaching the warehouse during the show, sorted.
    restocks: list[tuple[float, str, int]] = field(default_factory=list)
    # Traffic surges: (start_s, dur_s, viewer factor, demand factor).  A raid or an ad brings
    # viewers; how many of them buy is the demand factor (1.0: carts do not follow).
    surges: list[tuple[float, float, float, float]] = field(default_factory=list)

    def _surge(self, t: float) -> tuple[float, float]:
        for start, dur, vf, df in self.surges:
            if start <= t < start + dur:
                return vf, df
        return 1.0, 1.0

    def viewers(self, t: float) -> float:
        """Audience size at show time ``t`` (seconds since start)."""
        return self._viewers(t) * self._surge(t)[0]

    def _viewers(self, t: float) -> float:
        ramp = min(1.0, max(0.0, t / self.ramp_s))
        v = self.viewers_base + (self.viewers_peak - self.viewers_base) * ramp
        tail = self.duration_s - t
        if tail < 900:
            v *= max(0.3, tail / 900)
        for s in self.skus:
            for start, dur, _ in s.flashes:
                if start - 60 <= t <= start + dur + 60:
                    v *= 1.25  # flash sales pull the crowd in
                    break
        # A slow wobble so the chart is alive.
        return v * (1.0 + 0.06 * math.sin(t / 97.0))

    def audience_factor(self, t: float) -> float:
        """Demand scale relative to the peak audience (a traffic surge counts by its demand factor)."""
        return self._viewers(t) * self._surge(t)[1] / self.viewers_peak


def _featured_schedule(rng: random.Random, skus: list[SkuSpec], start: float, end: float) -> list[tuple[float, float, str]]:
    pool = [s for s in skus if s.tier != "long_tail"]
    out = []
    t = start
    last = None
    while t < end - 120:
        s = rng.choice(pool)
        if s.sku == last:
            continue
        dur = rng.uniform(300, 480)
        out.append((t, min(end, t + dur), s.sku))
        last = s.sku
        t += dur + rng.uniform(20, 90)
    return out


def _rotation(rng: random.Random, pool: list[SkuSpec], slots: list[tuple[float, float, str]], start: float,
              end: float) -> list[tuple[float, float, str]]:
    """The host features ``pool`` in turn (each round in a new order) around the fixed ``slots``."""
    out = list(slots)
    order: list[SkuSpec] = []
    last = None
    t = start
    for s0, e0, _sku in sorted(slots) + [(end, end, "")]:
        while t < s0 - 240:
            if not order:
                order = rng.sample(pool, len(pool))
                if order[0].sku == last and len(order) > 1:
                    order.append(order.pop(0))
            s = order.pop(0)
            dur = rng.uniform(300, 480)
            stop = min(s0 - 20.0, t + dur)
            out.append((t, stop, s.sku))
            last = s.sku
            t = stop + rng.uniform(20, 90)
        t = max(t, e0 + rng.uniform(20, 90))
    return sorted(out)


def planned_units(sc: "Scenario", spec: SkuSpec, t0: float = 0.0, t1: float | None = None, step: float = 10.0) -> float:
    """The merchandiser's plan: units of ``spec`` the show's schedule is expected to sell in [t0, t1).

    The same demand model as :class:`~controlroom.simulate.model.ShopModel` (audience curve,
    featured ramp and after-glow, flashes, other channels), in expectation and ignoring stock.
    """
    t1 = sc.duration_s if t1 is None else t1
    mean_qty = (1 + spec.max_qty) / 2.0
    feats = [f for f in sc.featured]
    units = spec.other_rate / 60.0 * (t1 - t0)
    t = t0 + step / 2
    while t < t1:
        tt = t - sc.cart_lead_s  # orders follow interest by the cart lead
        af = sc.audience_factor(max(0.0, tt))
        r = spec.base_rate / 60.0 * af
        prev = None
        for f in feats:
            if f[1] <= tt:
                prev = f
            elif f[0] <= tt:
                if f[2] == spec.sku:
                    r += spec.feature_rate / 60.0 * min(1.0, (tt - f[0]) / sc.feature_ramp_s) * af * 1.4
                break
            else:
                break
        if prev is not None and prev[2] == spec.sku:
            r += spec.feature_rate / 60.0 * math.exp(-(tt - prev[1]) / sc.feature_decay_s) * af
        r *= spec.step_factor(tt)
        for fs, fd, fr in spec.flashes:
            if fs <= tt < fs + fd:
                r += fr
        units += r * mean_qty * step
        t += step
    return units


def _lot(units: float, cover: float, unit: int = 10, least: int = 20) -> int:
    return max(least, int(round(units * cover / unit)) * unit)


def evening_show(seed: int) -> Scenario:
    """A three-hour evening show: ~30 SKUs in three tiers, the host featuring items in turn.

    The run of show: an opening deal (a traffic driver on a small lot, featured first, sold
    out within its feature: every alert level shows in the first quarter hour), two flash
    sales on small lots of traffic drivers (at 45 min and 2 h, each announced by featuring
    it), and the rest of the drivers and profit items featured in turn.  Stock is the
    merchandiser's plan: each SKU's expected sales over the show (:func:`planned_units`)
    times a cover.  Most items are covered (x1.25 to x2.5, some near misses among them);
    a few are under-stocked hot sellers (two or three drivers, up to two profit items,
    x0.7 to x0.9) and sell out when demand catches up, usually in a feature.  A handful
    of sell-outs per show (about five to eight), as on a real evening.
    """
    rng = random.Random(seed)
    duration = 10800.0
    skus: list[SkuSpec] = []
    for i, name in enumerate(DRIVER_NAMES[:8]):
        skus.append(SkuSpec(
            sku=f"TD{i + 1:02d}", name=name, tier="traffic_driver",
            price_cents=rng.choice([990, 1290, 1990, 2990]), stock=0,
            base_rate=rng.uniform(2.0, 6.0), feature_rate=rng.uniform(40.0, 110.0),
            other_rate=rng.uniform(0.2, 1.0), max_qty=3,
        ))
    for i, name in enumerate(PROFIT_NAMES[:12]):
        skus.append(SkuSpec(
            sku=f"PF{i + 1:02d}", name=name, tier="profit",
            price_cents=rng.choice([5900, 8900, 12900, 19900, 29900]), stock=0,
            base_rate=rng.uniform(0.5, 2.5), feature_rate=rng.uniform(8.0, 30.0),
            other_rate=rng.uniform(0.05, 0.4),
        ))
    for i, name in enumerate(LONG_TAIL_NAMES[:10]):
        skus.append(SkuSpec(
            sku=f"LT{i + 1:02d}", name=name, tier="long_tail",
            price_cents=rng.choice([1900, 2900, 3900, 4900, 6900, 9900]), stock=0,
            base_rate=rng.uniform(0.1, 0.8), feature_rate=0.0,
            other_rate=rng.uniform(0.02, 0.2),
        ))
    drivers, profit, tail = skus[:8], skus[8:20], skus[20:]
    opening, fs1, fs2 = rng.sample(drivers, 3)
    # The opening deal: a strong offer, featured first and long.
    opening.feature_rate = rng.uniform(90.0, 120.0)
    open_end = 60.0 + rng.uniform(540.0, 660.0)
    # Two flash sales: thousands of buyers for a few hundred units, announced by featuring the item.
    flash = [(fs1, 2700.0), (fs2, 7200.0)]
    slots = [(60.0, open_end, opening.sku)]
    for s, at in flash:
        s.flashes = [(at, 90.0, rng.uniform(8.0, 15.0))]
        slots.append((at - 60.0, at + 120.0, s.sku))
    pool = [s for s in drivers + profit if s not in (opening, fs1, fs2)]
    featured = _rotation(rng, pool, slots, open_end + rng.uniform(20, 90), duration)
    sc = Scenario("evening-show", "demo-evening", duration, skus, featured)
    # Stock: the merchandiser's plan.
    opening.stock = _lot(planned_units(sc, opening, 0.0, open_end), rng.uniform(0.75, 0.85))
    for s, at in flash:
        before = planned_units(sc, s, 0.0, at)
        during = planned_units(sc, s, at, at + 90.0 + sc.cart_lead_s)
        s.stock = _lot(before + during * rng.uniform(0.4, 0.7), 1.0)
    hot = rng.sample([s for s in pool if s.tier == "traffic_driver"], rng.randint(2, 3))
    hot += rng.sample([s for s in pool if s.tier == "profit"], rng.randint(0, 2))
    for s in pool:
        cover = rng.uniform(0.7, 0.9) if s in hot else rng.uniform(1.25, 2.5)
        s.stock = _lot(planned_units(sc, s), cover)
    for s in tail:
        s.stock = _lot(planned_units(sc, s), rng.uniform(1.5, 4.0), unit=5)
    return sc


def flash_sale(seed: int) -> Scenario:
    """A few SKUs peaking at thousands of orders per second."""
    rng = random.Random(seed)
    skus = []
    for i in range(4):
        skus.append(SkuSpec(
            sku=f"FS{i + 1:02d}", name=["秒杀 补水面膜", "秒杀 纸巾整箱", "秒杀 坚果礼盒", "秒杀 洗衣凝珠"][i],
            tier="traffic_driver", price_cents=rng.choice([99, 990, 1990]),
            stock=rng.randrange(20_000, 60_000, 1000),
            base_rate=rng.uniform(30, 90), feature_rate=rng.uniform(600, 1500),
            other_rate=rng.uniform(5, 20), max_qty=2,
            flashes=[(120.0 + i * 150.0, 40.0, rng.uniform(1200.0, 2500.0))],
        ))
    for i in range(4):
        skus.append(SkuSpec(
            sku=f"PF{i + 1:02d}", name=PROFIT_NAMES[i], tier="profit",
            price_cents=rng.choice([5900, 12900]), stock=rng.randrange(2000, 5000, 100),
            base_rate=rng.uniform(5, 20), feature_rate=0.0, other_rate=1.0,
        ))
    featured = [(100.0 + i * 150.0, 100.0 + i * 150.0 + 90.0, f"FS{i + 1:02d}") for i in range(4)]
    return Scenario("flash-sale", "demo-flash", 900.0, skus, featured,
                    viewers_base=50_000, viewers_peak=200_000, ramp_s=60.0)


def steady(seed: int) -> Scenario:
    """Ten SKUs at constant rates for an hour: a calm baseline."""
    rng = random.Random(seed)
    skus = []
    for i in range(10):
        tier = TIERS[i % 3]
        skus.append(SkuSpec(
            sku=f"ST{i + 1:02d}", name=(DRIVER_NAMES + PROFIT_NAMES)[i], tier=tier,
            price_cents=rng.choice([990, 5900, 12900]), stock=rng.randrange(200, 3000, 50),
            base_rate=rng.uniform(1.0, 12.0), feature_rate=0.0, other_rate=rng.uniform(0.1, 1.0),
        ))
    return Scenario("steady", "demo-steady", 3600.0, skus, [], viewers_base=5000, viewers_peak=5000,
                    ramp_s=1.0)


# --- hard shows: what real evenings do to a forecast ------------------------------------------

def _catalog(rng: random.Random, drivers: int, profit: int, tail: int) -> list[SkuSpec]:
    """A small three-tier catalogue, rates as in the evening show (stock set by the caller)."""
    skus = []
    for i, name in enumerate(DRIVER_NAMES[:drivers]):
        skus.append(SkuSpec(f"TD{i + 1:02d}", name, "traffic_driver", rng.choice([990, 1290, 1990, 2990]), 0,
                            rng.uniform(2.0, 6.0), rng.uniform(40.0, 110.0), rng.uniform(0.2, 1.0), max_qty=3))
    for i, name in enumerate(PROFIT_NAMES[:profit]):
        skus.append(SkuSpec(f"PF{i + 1:02d}", name, "profit", rng.choice([5900, 8900, 12900, 19900]), 0,
                            rng.uniform(0.5, 2.5), rng.uniform(8.0, 30.0), rng.uniform(0.05, 0.4)))
    for i, name in enumerate(LONG_TAIL_NAMES[:tail]):
        skus.append(SkuSpec(f"LT{i + 1:02d}", name, "long_tail", rng.choice([1900, 2900, 4900]), 0,
                            rng.uniform(0.1, 0.8), 0.0, rng.uniform(0.02, 0.2)))
    return skus


def _stock(rng: random.Random, sc: Scenario, hot: list[SkuSpec]) -> None:
    """The merchandiser's plan: hot items under-stocked (x0.7-0.9), the rest covered (x1.3-2.5)."""
    for s in sc.skus:
        if s.tier == "long_tail":
            s.stock = _lot(planned_units(sc, s), rng.uniform(1.5, 4.0), unit=5)
        else:
            s.stock = _lot(planned_units(sc, s), rng.uniform(0.7, 0.9) if s in hot else rng.uniform(1.3, 2.5))


def mentions(seed: int) -> Scenario:
    """90 minutes of a host who mentions an item for half a minute to two and moves on.

    Every mention is a short burst (fast ramp, one-minute after-glow): the engine's featured
    hold, learnt from long features elsewhere, over-predicts each one; a watch per mention,
    or a warning that comes and goes with them, is what makes operators stop listening.
    Two or three hot items sell out when their mentions add up.
    """
    rng = random.Random(1000 + seed)
    skus = _catalog(rng, 6, 8, 6)
    pool = [s for s in skus if s.tier != "long_tail"]
    featured, t, last = [], 60.0, None
    while t < 5400.0 - 120.0:
        s = rng.choice([x for x in pool if x.sku != last])
        dur = rng.uniform(30.0, 120.0)
        featured.append((t, t + dur, s.sku))
        last = s.sku
        t += dur + rng.uniform(30.0, 120.0)
    sc = Scenario("mentions", "demo-mentions", 5400.0, skus, featured, feature_ramp_s=5.0, feature_decay_s=60.0)
    _stock(rng, sc, rng.sample(pool, 3))
    return sc


def late_restock(seed: int) -> Scenario:
    """Two hours, the hot items under-stocked, and the deliveries come late.

    The merchandiser ordered more of each hot item, timed for when the plan said it would
    run low; the truck is 5-20 minutes late.  Some items sell out (or are frozen) before
    it arrives; a freeze that does not let go when stock comes back throws the delivery's
    sales away.
    """
    rng = random.Random(2000 + seed)
    skus = _catalog(rng, 6, 8, 6)
    pool = [s for s in skus if s.tier != "long_tail"]
    featured = _rotation(rng, pool, [], 60.0, 7200.0)
    sc = Scenario("late-restock", "demo-restock", 7200.0, skus, featured)
    hot = rng.sample([s for s in pool if s.tier == "traffic_driver"], 2) + rng.sample(
        [s for s in pool if s.tier == "profit"], 1)
    _stock(rng, sc, hot)
    restocks = []
    for s in hot:
        # When the plan says stock runs down to a tenth, plus the delay.
        t_low, t = None, 0.0
        while t < sc.duration_s:
            t += 60.0
            if planned_units(sc, s, 0.0, t, step=30.0) >= 0.9 * s.stock:
                t_low = t
                break
        if t_low is not None and t_low + 300.0 < sc.duration_s:
            at = min(sc.duration_s - 300.0, t_low + rng.uniform(300.0, 1200.0))
            restocks.append((at, s.sku, _lot(0.5 * s.stock, 1.0)))
    sc.restocks = sorted(restocks)
    return sc


def traffic_surge(seed: int) -> Scenario:
    """One hour; twice a raid triples the audience for five minutes.

    The first time the room buys: every SKU's demand rises 2.5x at once (one cause, many
    SKUs: one grouped episode, not one per SKU).  The second time the visitors only watch:
    entries triple, carts and orders do not follow; a featured item's entry uplift must not
    turn that into alarms.
    """
    rng = random.Random(3000 + seed)
    skus = _catalog(rng, 5, 6, 4)
    pool = [s for s in skus if s.tier != "long_tail"]
    featured = _rotation(rng, pool, [], 60.0, 3600.0)
    first = rng.uniform(900.0, 1300.0)
    second = rng.uniform(2300.0, 2700.0)
    sc = Scenario("traffic-surge", "demo-surge", 3600.0, skus, featured, viewers_base=6000, viewers_peak=10000,
                  ramp_s=300.0, surges=[(first, 300.0, 3.0, 2.5), (second, 300.0, 3.0, 1.0)])
    _stock(rng, sc, rng.sample(pool, 2))
    return sc


def price_cut(seed: int) -> Scenario:
    """90 minutes; mid-show the price of two items is cut and their demand steps up for good.

    A lasting step (x2.5-4 from the cut on), not a feature's burst that fades: a forecast
    that expects every rise to fade under-predicts it and warns late.  Stock was planned
    at the old price.
    """
    rng = random.Random(4000 + seed)
    skus = _catalog(rng, 6, 8, 6)
    pool = [s for s in skus if s.tier != "long_tail"]
    featured = _rotation(rng, pool, [], 60.0, 5400.0)
    sc = Scenario("price-cut", "demo-price", 5400.0, skus, featured)
    cut = rng.sample([x for x in pool if x.tier == "profit"], 1) + rng.sample(
        [x for x in pool if x.tier == "traffic_driver"], 1)
    _stock(rng, sc, rng.sample([x for x in pool if x not in cut], 1))  # planned before the cut
    for s in cut:
        s.stock = _lot(planned_units(sc, s), rng.uniform(1.0, 1.3))
        s.steps = [(rng.uniform(1500.0, 2700.0), rng.uniform(2.5, 4.0), int(s.price_cents * 0.7))]
    return sc


SCENARIOS = {"evening-show": evening_show, "flash-sale": flash_sale, "steady": steady, "mentions": mentions,
             "late-restock": late_restock, "traffic-surge": traffic_surge, "price-cut": price_cut}
HARD_SCENARIOS = ("mentions", "late-restock", "traffic-surge", "price-cut")


def make_scenario(name: str, seed: int) -> Scenario:
    """Build a scenario by name; raises ValueError naming the known ones."""
    try:
        return SCENARIOS[name](seed)
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}") from None
