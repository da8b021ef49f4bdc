"""The UI benchmark's shop process: 500 SKUs, skewed orders, the feed flat out at a set rate."""
from __future__ import annotations

import random
import time

TIERS = ("traffic_driver", "profit", "long_tail")


class _Book:
    """500 SKUs; orders are skewed (a few hot SKUs) and stop at zero stock."""

    def __init__(self, stamper, n: int, rate: float, seed: int = 7) -> None:
        rng = random.Random(seed)
        self.stamper = stamper
        self.room = "bench-ui"
        self.n = n
        # Zipf-like weights: SKU i gets weight 1/(i+1)^0.8.
        self.weights = [1.0 / (i + 1) ** 0.8 for i in range(n)]
        total = sum(self.weights)
        self.share = [w / total for w in self.weights]
        self.skus = []
        for i in range(n):
            per_s = max(rate, 1.0) * self.share[i]
            # Stock for 2 .. 60 min at its rate: some SKUs start critical or cross their lines during the run.
            stock = int(per_s * rng.choice([120, 300, 900, 1800, 3600])) + rng.randrange(50, 500)
            self.skus.append({"sku": f"S{i:03d}", "name": f"商品 {i:03d} " + rng.choice(["面膜", "纸巾", "坚果", "水杯", "袜子"]),
                              "tier": TIERS[i % 3], "price_cents": rng.choice([990, 1990, 5900]),
                              "available": stock, "frozen": False, "delisted": False})
        self.index = {s["sku"]: i for i, s in enumerate(self.skus)}
        self.viewers = 20000
        self.featured = "S000"
        self._out = []

    def snapshot(self) -> dict:
        return {"room": self.room, "viewers": self.viewers, "featured": self.featured,
                "skus": [dict(s) for s in self.skus]}

    def apply_command(self, req: dict) -> dict:
        i = self.index.get(req.get("sku"))
        if i is None:
            return {"ok": False, "error": "unknown SKU"}
        s = self.skus[i]
        op = req["op"]
        if op == "freeze":
            s["frozen"] = True
        elif op == "unfreeze":
            s["frozen"] = False
        elif op == "restock":
            s["available"] += int(req["qty"])
        elif op == "delist":
            s["delisted"] = True
        elif op == "relist":
            s["delisted"] = False
        state = {"sku": s["sku"], "available": s["available"], "frozen": s["frozen"]}
        self._out.append(("stock", self.stamper.stamp(dict(state))))
        return {"ok": True, **state}

    def drain(self) -> list:
        out, self._out = self._out, []
        return out


def shop_main(conn, n_skus: int, max_rate: float) -> None:
    """Shop process: ("rate", r) sets the feed rate, ("stop",) ends it (answers {"sent": n})."""
    import zmq

    from controlroom.shop import ShopServer, Stamper

    ctx = zmq.Context()
    stamper = Stamper("bench-ui")
    book = _Book(stamper, n_skus, max_rate)
    shop = ShopServer(book, stamper, events_endpoint="tcp://127.0.0.1:*", requests_endpoint="tcp://127.0.0.1:*",
                      context=ctx)
    conn.send((shop.events_endpoint, shop.requests_endpoint))
    rng = random.Random(11)
    skus = book.skus
    cum = []
    acc = 0.0
    for w in book.share:
        acc += w
        cum.append(acc)
    import bisect

    # A pool of pre-drawn SKU indices (weighted), cycled: drawing per event would cost the shop its pace.
    pool = [min(bisect.bisect_left(cum, rng.random() * acc), len(skus) - 1) for _ in range(200_000)]
    pi = 0
    rate = 0.0
    t0 = time.perf_counter()
    sent = sent0 = 0
    order_no = 0
    next_traffic = time.perf_counter()
    feature_i = 0
    next_feature = time.perf_counter() + 20
    try:
        while True:
            now = time.perf_counter()
            if conn.poll():
                msg = conn.recv()
                if msg[0] == "stop":
                    conn.send({"sent": sent})
                    return
                if msg[0] == "rate":
                    rate = float(msg[1])
                    t0, sent0 = now, sent
                    conn.send(("rate", rate))
            if now >= next_feature:
                feature_i = (feature_i + 1) % 6
                book.featured = f"S{feature_i * 7:03d}"
                next_feature = now + 20
            if now >= next_traffic:
                next_traffic = now + 1.0
                book.viewers = int(20000 + 4000 * (1 + (now % 60) / 60) + rng.randrange(-500, 500))
                shop.publish("traffic", {"viewers": book.viewers, "entries": rng.randrange(50, 400),
                                         "featured": book.featured})
            if rate > 0:
                due = int((now - t0) * rate) - (sent - sent0)
                due = min(due, 5000)
                while due > 0:
                    k = min(100, due)
                    batch = []
                    for _ in range(k):
                        for _try in range(8):  # a sold-out SKU passes its order on: the feed keeps its rate
                            i = pool[pi]
                            pi = pi + 1 if pi + 1 < len(pool) else 0
                            s = skus[i]
                            if s["available"] > 0 and not s["frozen"] and not s["delisted"]:
                                break
                        else:
                            continue
                        s["available"] -= 1
                        order_no += 1
                        batch.append({"order_id": f"b{order_no}", "sku": s["sku"], "qty": 1,
                                      "price_cents": s["price_cents"], "channel": "live"})
                    if batch:
                        shop.publish_batch("order", batch)
                    sent += k
                    due -= k
            shop.poll(timeout_ms=1)
    finally:
        shop.close()
        ctx.destroy(0)
