"""The summary tracker's batch path: a whole batch of one topic at once, counted once.

:class:`~controlroom.log.summary.SummaryTracker` follows every logged event; at peak the events
come in batches of hundreds (the feed's :class:`~controlroom.feed.batch.EventBatch`, or lists of
dicts of one topic).  :func:`feed_batch` takes such a batch with the same result as feeding its
events one by one, or returns False having changed nothing (the caller then goes event by event).

Why it is its own pass and not the mirror's ``apply_columns``: the tracker needs per-SKU units
and gross of an order batch for its own figures, and the mirror's column path counted the same
(SKU, qty) pairs again; a profile of the writer thread (``docs/benchmarks.md``) found the two
counts, the traffic events taken one by one and the per-SKU loops repeated in each step to be most
of the summary's cost.  Here each batch is counted once, in C (``_count_elements``), and one loop
per SKU of the batch applies the counts to the tracker's mirror and to its own sums.
"""
from __future__ import annotations

from collections import _count_elements
from operator import itemgetter

from controlroom.feed.batch import EventBatch

__all__ = ["feed_batch", "BATCH_MIN"]

BATCH_MIN = 16  # below this the per-event loop is as cheap

STR_ONLY = frozenset((str,))
INT_ONLY = frozenset((int,))

# Columns read from a list of dicts, per topic (the EventBatch has them already).
_GET = {"order": itemgetter("topic", "ts", "order_id", "sku", "qty", "price_cents"),
        "cart": itemgetter("topic", "ts", "sku", "delta"),
        "traffic": itemgetter("topic", "ts", "viewers", "entries", "featured")}


def _columns(batch) -> tuple[str, tuple] | None:
    """(topic, columns in the layout of ``_GET``, without the topic column) or None."""
    if type(batch) is EventBatch:
        if len(batch) < BATCH_MIN:
            return None
        c = batch.cols
        if batch.topic == "order":  # v, epoch, seq, ts, room, order_id, sku, qty, price_cents, channel
            return "order", (c[3], c[5], c[6], c[7], c[8])
        if batch.topic == "cart":  # v, epoch, seq, ts, room, sku, delta
            return "cart", (c[3], c[5], c[6])
        return None
    if type(batch) is not list or len(batch) < BATCH_MIN:
        return None
    topic = batch[0].get("topic") if type(batch[0]) is dict else None
    get = _GET.get(topic)
    if get is None:
        return None
    try:
        cols = tuple(zip(*map(get, batch)))
    except (KeyError, TypeError):
        return None
    if set(cols[0]) != {topic}:
        return None
    # Values the feed's validation guarantees; anything else goes the per-event way.
    if topic == "order":
        if not (STR_ONLY >= set(map(type, cols[2])) and STR_ONLY >= set(map(type, cols[3]))
                and INT_ONLY >= set(map(type, cols[4])) and INT_ONLY >= set(map(type, cols[5]))):
            return None
    elif topic == "cart":
        if not (STR_ONLY >= set(map(type, cols[2])) and INT_ONLY >= set(map(type, cols[3]))):
            return None
    elif not (INT_ONLY >= set(map(type, cols[2])) and INT_ONLY >= set(map(type, cols[3]))):
        return None
    return topic, cols[1:]


def feed_batch(tr, batch, first_id: int) -> bool:
    """Feed ``batch`` (events with ids ``first_id, ...``) to the tracker ``tr`` at once, with the same
    rows, marks and mirror as feeding them one by one; or return False, changing nothing.

    Sure means: one topic (order, cart or traffic), every field there with the protocol's types,
    all within one minute of show (not before the tracker's current minute), no unknown SKU, no
    duplicate order id, and no SKU's *sold out* or *frozen* flag changing inside the batch (orders
    never change *frozen*; a SKU whose stock could reach zero goes the per-event way, which records
    the exact event of the sell-out)."""
    if tr.t0 is None:
        return False
    got = _columns(batch)
    if got is None:
        return False
    topic, cols = got
    ts = cols[0]
    try:
        lo, hi = min(ts), max(ts)
        m = int((hi - tr.t0) // 60)
        if int((lo - tr.t0) // 60) != m or m < tr._minute:
            return False
    except TypeError:
        return False
    if topic == "order":
        return _orders(tr, cols, first_id, m, hi, batch.sums if type(batch) is EventBatch else None)
    if topic == "cart":
        return _carts(tr, cols, first_id, m, hi)
    return _traffic(tr, cols, first_id, m, hi)


def _orders(tr, cols: tuple, first_id: int, m: int, hi: float, sums: tuple | None = None) -> bool:
    ts, oid, sku, qty, price = cols
    n = len(ts)
    mirror = tr.mirror
    skus = mirror.skus
    p = price[0]
    if sums is not None and sum(sums[0].values()) == n:
        # The core's mirror counted this very batch already (EventBatch.sums): per SKU its orders,
        # units and gross (None: every order at the first price).  Counting it again here was about
        # a third of the summary's time (docs/benchmarks.md, sixth pass).
        orders, units, gross = sums
        if not skus.keys() >= orders.keys():
            return False
    else:
        # Per SKU: orders and units of this batch, each counted once, in C.
        orders = {}
        _count_elements(orders, sku)
        if not skus.keys() >= orders.keys():
            return False  # an unknown SKU: counted as such event by event
        one_price = price.count(p) == n  # the usual batch (tuple.count: a C loop, no set built)
        if qty.count(1) == n:
            units = orders
        else:
            pairs: dict = {}
            _count_elements(pairs, zip(sku, qty))
            units = {}
            for (s, q), c in pairs.items():
                units[s] = units.get(s, 0) + q * c
        if one_price:
            gross = None
        else:  # summed per distinct (sku, qty, price): a few dozen against hundreds
            triples: dict = {}
            _count_elements(triples, zip(sku, qty, price))
            gross = {}
            for (s, q, pr), c in triples.items():
                gross[s] = gross.get(s, 0) + q * pr * c
    flags = tr._flags
    for s, u in units.items():
        st = skus[s]
        a = st.available
        if a - u <= 0 or flags.get(s) != (a <= 0, bool(st.frozen)):
            return False  # a sell-out inside the batch, or a flag not yet recorded
    oids = set(oid)
    if len(oids) != n or not mirror.orders_seen.add_new(oids, hi):
        return False  # a duplicate: the per-event way counts it (add_new added nothing)
    # From here on the batch is taken.
    _start(tr, "order", n, m, hi, ts, first_id)
    dirty = tr._dirty
    uo, gr = tr.units_ordered, tr.gross
    room_g = 0
    # One loop over the batch's SKUs, each at its last position in the batch (its row's stamp).
    for s, i in dict(zip(sku, range(n))).items():
        dirty[(m, s)] = (ts[i], first_id + i)
        u = units[s]
        g = u * p if gross is None else gross[s]
        room_g += g
        st = skus[s]
        st.available -= u
        st.sold += u
        st.orders += orders[s]
        st.gmv_cents += g
        uo[s] = uo.get(s, 0) + u
        gr[s] = gr.get(s, 0) + g
    u = sum(units.values())
    mirror.units += u
    mirror.orders += n
    mirror.gmv_cents += room_g
    tr.room_units += u
    tr.room_gross += room_g
    return True


def _carts(tr, cols: tuple, first_id: int, m: int, hi: float) -> bool:
    ts, sku, delta = cols
    n = len(ts)
    skus = tr.mirror.skus
    last = dict(zip(sku, range(n)))
    if not skus.keys() >= last.keys():
        return False
    flags = tr._flags
    for s in last:
        st = skus[s]
        if flags.get(s) != (st.available <= 0, bool(st.frozen)):
            return False  # a flag not yet recorded: the per-event way records it
    _start(tr, "cart", n, m, hi, ts, first_id)
    if min(delta) >= 0:  # nothing taken out: the floor at zero cannot bite, so sums will do
        per: dict = {}
        _count_elements(per, zip(sku, delta))
        for (s, d), c in per.items():
            skus[s].cart += d * c
    else:  # the floor at zero makes the order matter
        for s, d in zip(sku, delta):
            st = skus[s]
            st.cart = max(0, st.cart + d)
    dirty = tr._dirty
    for s, i in last.items():
        dirty[(m, s)] = (ts[i], first_id + i)
    return True


def _traffic(tr, cols: tuple, first_id: int, m: int, hi: float) -> bool:
    ts, viewers, entries, featured = cols
    _start(tr, "traffic", len(ts), m, hi, ts, first_id)
    mirror = tr.mirror
    mirror.viewers = viewers[-1]
    mirror.entries += sum(entries)
    mirror.featured = featured[-1]
    v = max(viewers)
    if v > tr._viewers_max.get(m, -1):
        tr._viewers_max[m] = v
    return True


def _start(tr, topic: str, n: int, m: int, hi: float, ts: tuple, first_id: int) -> None:
    """What every taken batch does first: close the minute just ended (its rows hold its own
    closing figures, before this batch's), count the events, stamp the room's row."""
    if m > tr._minute:
        tr._close_rows()
        tr._minute = m
    tr._started = True
    tr.events += n
    tr.topics[topic] = tr.topics.get(topic, 0) + n
    if hi > tr.t1:
        tr.t1 = hi
    mirror = tr.mirror
    if hi > mirror.last_ts:
        mirror.last_ts = hi
    last_id = first_id + n - 1
    tr._dirty[(m, "")] = (ts[-1], last_id)
    tr.last_id = last_id
