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

    def viewers(self, t: float) -> float:
        """Audience size at show time ``t`` (seconds since start)."""
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
        """Demand scale relative to the peak audience."""
        return self.viewers(t) / self.viewers_peak


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


def evening_show(seed: int) -> Scenario:
    """~30 SKUs across three tiers over two hours, host features in turn, two flash sales."""
    rng = random.Random(seed)
    skus: list[SkuSpec] = []
    for i, name in enumerate(DRIVER_NAMES[:8]):
        skus.append(SkuSpec(
            sku=f"TD{i + 1:02d}", name=name, tier="traffic_driver",
            price_cents=rng.choice([990, 1290, 1990, 2990]),
            stock=rng.randrange(600, 2200, 50),
            base_rate=rng.uniform(2.0, 6.0), feature_rate=rng.uniform(40.0, 110.0),
            other_rate=rng.uniform(0.2, 1.0), max_qty=3,
        ))
    for i, name in enumerate(PROFIT_NAMES[:12]):
        skus.append(SkuSpec(
            sku=f"PF{i + 1:02d}", name=name, tier="profit",
            price_cents=rng.choice([5900, 8900, 12900, 19900, 29900]),
            stock=rng.randrange(150, 900, 10),
            base_rate=rng.uniform(0.5, 2.5), feature_rate=rng.uniform(8.0, 30.0),
            other_rate=rng.uniform(0.05, 0.4),
        ))
    for i, name in enumerate(LONG_TAIL_NAMES[:10]):
        skus.append(SkuSpec(
            sku=f"LT{i + 1:02d}", name=name, tier="long_tail",
            price_cents=rng.choice([1900, 2900, 3900, 4900, 6900, 9900]),
            stock=rng.randrange(60, 400, 5),
            base_rate=rng.uniform(0.1, 0.8), feature_rate=0.0,
            other_rate=rng.uniform(0.02, 0.2),
        ))
    duration = 7200.0
    # Two flash sales on small lots of traffic drivers: thousands of buyers for a few hundred units.
    fs = rng.sample(skus[:8], 2)
    fs[0].stock = rng.randrange(300, 600, 10)
    fs[0].flashes = [(1800.0, 90.0, rng.uniform(8.0, 15.0))]
    fs[1].stock = rng.randrange(400, 800, 10)
    fs[1].flashes = [(4500.0, 90.0, rng.uniform(8.0, 15.0))]
    featured = _featured_schedule(rng, skus, 60.0, duration)
    return Scenario("evening-show", "demo-evening", duration, skus, featured)


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


SCENARIOS = {"evening-show": evening_show, "flash-sale": flash_sale, "steady": steady}


def make_scenario(name: str, seed: int) -> Scenario:
    """Build a scenario by name; raises ValueError naming the known ones."""
    try:
        return SCENARIOS[name](seed)
    except KeyError:
        raise ValueError(f"unknown scenario {name!r}; choose one of {', '.join(SCENARIOS)}") from None
