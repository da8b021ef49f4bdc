"""10,000 malformed messages mixed into a real feed: no crash, each one counted, stock exact."""
from __future__ import annotations

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from controlroom.feed.client import FeedClient
from controlroom.protocol import MAX_PAYLOAD_BYTES
from controlroom.shop.server import ShopServer
from controlroom.simulate.model import ShopModel
from tests.conftest import LOOPBACK, wait_until

# 10,000 generated messages are CPU work (~45 s on a busy machine); the bound only catches a hang.
pytestmark = pytest.mark.timeout(300)

TOPICS = ["order", "cancel", "cart", "traffic", "stock", "hb"]
GOOD_FIELDS = {
    "order": {"order_id": "o", "sku": "TD01", "qty": 1, "price_cents": 100, "channel": "live"},
    "cancel": {"order_id": "o", "sku": "TD01", "qty": 1, "reason": "user"},
    "cart": {"sku": "TD01", "delta": 1},
    "traffic": {"viewers": 1, "entries": 1, "featured": None},
    "stock": {"sku": "TD01", "available": 1, "frozen": False},
    "hb": {},
}
STR = (str,)
VALID_TYPES = {"v": (int,), "seq": (int,), "ts": (int, float), "epoch": STR, "room": STR, "order_id": STR,
               "sku": STR, "reason": STR, "channel": STR, "qty": (int,), "price_cents": (int,), "delta": (int,),
               "viewers": (int,), "entries": (int,), "available": (int,), "frozen": (bool,)}
junk = st.one_of(st.none(), st.booleans(), st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=8),
                 st.lists(st.integers(-9, 9), max_size=3), st.dictionaries(st.text(max_size=3), st.integers(-9, 9), max_size=2))


@st.composite
def bad_event(draw):
    """A single event object with exactly one thing wrong (so it must be rejected once)."""
    topic = draw(st.sampled_from(TOPICS))
    ev = {"v": 1, "epoch": "e", "seq": 1, "ts": 1.0, "room": "demo-evening", **GOOD_FIELDS[topic]}
    how = draw(st.sampled_from(["drop", "retype", "version", "qty", "room"]))
    keys = sorted(ev)
    if how == "drop":
        del ev[draw(st.sampled_from(keys))]
    elif how == "retype":
        k = draw(st.sampled_from([k for k in keys if k in VALID_TYPES]))
        ev[k] = draw(junk.filter(lambda x, k=k: type(x) not in VALID_TYPES[k]))
    elif how == "version":
        ev["v"] = draw(st.sampled_from([0, 2, "1", 1.0, True, None]))
    elif how == "qty" and "qty" in ev:
        ev["qty"] = draw(st.one_of(st.integers(-10**9, 0), st.floats(1.1, 5), st.just(True)))
    else:
        ev["room"] = "someone-else"
    return topic, orjson.dumps(ev)


@st.composite
def malformed_message(draw):
    """Frames a shop should never send; each yields exactly one reject."""
    # Oversize payloads are 1 MiB each: rare enough to keep the run fast, present in every example.
    kind = draw(st.sampled_from(["event"] * 24 + ["frames"] * 4 + ["topic"] * 4 + ["json"] * 4 + ["scalar"] * 3
                                + ["oversize"]))
    if kind == "event":
        topic, payload = draw(bad_event())
        return [topic.encode(), payload]
    if kind == "frames":
        return draw(st.lists(st.binary(max_size=8), min_size=1, max_size=4).filter(lambda f: len(f) != 2))
    if kind == "topic":
        t = draw(st.binary(min_size=0, max_size=10).filter(lambda b: b not in {x.encode() for x in TOPICS}))
        return [t, b"{}"]
    if kind == "json":
        return [draw(st.sampled_from(TOPICS)).encode(),
                draw(st.binary(min_size=1, max_size=30).filter(lambda b: not _is_json(b)))]
    if kind == "scalar":
        return [b"order", orjson.dumps(draw(st.one_of(st.integers(-2**40, 2**40), st.text(max_size=5), st.just([]))))]
    return [b"order", b"[" + b" " * MAX_PAYLOAD_BYTES + b"]"]


def _is_json(b: bytes) -> bool:
    try:
        orjson.loads(b)
        return True
    except orjson.JSONDecodeError:
        return False


class World:
    """One real shop and one real client, driven step by step by the test thread."""

    def __init__(self):
        self.model = ShopModel("evening-show", 11, start_ts=1_700_000_000.0)
        self.server = ShopServer(self.model, self.model.stamper, events_endpoint=LOOPBACK,
                                 requests_endpoint=LOOPBACK)
        self.fc = FeedClient(self.server.events_endpoint, self.server.requests_endpoint)
        assert wait_until(lambda: self.fc.state == "live", 5, step=lambda: (self.server.poll(0), self.fc.poll(5)))
        self.injected = 0

    def truth(self):
        return {s["sku"]: s["available"] for s in self.model.catalog}


WORLD: dict = {}
MESSAGES_PER_EXAMPLE = 100
EXAMPLES = 100  # 100 x 100 = 10,000 malformed messages


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(st.lists(malformed_message(), min_size=MESSAGES_PER_EXAMPLE, max_size=MESSAGES_PER_EXAMPLE))
def test_malformed_messages_are_counted_and_never_touch_stock(messages):
    if "w" not in WORLD:
        WORLD["w"] = World()
    w = WORLD["w"]
    fc, server, model = w.fc, w.server, w.model
    before = sum(fc.rejects.values())
    for i, frames in enumerate(messages):
        if i % 10 == 0:  # real events in between
            for topic, ev in model.step(0.5):
                server.pub.send_multipart([topic.encode(), orjson.dumps(ev)])
            server.poll(0)
        server.pub.send_multipart(frames)
        if i % 20 == 0:
            fc.poll(0)
    w.injected += len(messages)

    def step():
        server.poll(0)
        fc.poll(5)

    assert wait_until(lambda: sum(fc.rejects.values()) - before == len(messages), 15, step=step), \
        (sum(fc.rejects.values()) - before, dict(fc.rejects))
    assert wait_until(lambda: fc.state == "live" and fc.seq == model.stamper.seq
                      and fc.mirror.available() == w.truth(), 10, step=step), fc.summary()


def test_all_ten_thousand_were_seen():
    """Runs after the property test in file order: the whole 10,000 went through one client."""
    w = WORLD.get("w")
    assert w is not None and w.injected == MESSAGES_PER_EXAMPLE * EXAMPLES
    assert sum(w.fc.rejects.values()) == w.injected
    # Every reason class the generator aims at showed up.
    for reason in ("bad_frames", "unknown_topic", "not_json", "not_object", "oversize", "missing_field",
                   "bad_type", "bad_version", "other_room"):
        assert w.fc.rejects[reason] > 0, reason
    w.fc.close()
    w.server.close()
