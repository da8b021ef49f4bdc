"""The command channel over real sockets (127.0.0.1, ephemeral ports): acks, lost replies, shop restarts."""
from __future__ import annotations


import orjson
import pytest
import zmq

from controlroom.commands import CommandClient
from controlroom.simulate.harness import LossyProxy, ShopThread, drive
from controlroom.protocol import decode_payload
from controlroom.simulate.model import ShopModel

SKU = "PF01"


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def model():
    return ShopModel("flash-sale", seed=7)


@pytest.fixture
def shop(ctx, model):
    s = ShopThread(model, context=ctx).start()
    yield s
    s.stop()


def sku_state(shop: ShopThread, sku: str = SKU) -> dict:
    return shop.call(lambda srv: next(s for s in srv.book.catalog if s["sku"] == sku))


def wait_sub_ready(sub: zmq.Socket, timeout: float = 3.0) -> None:
    """PUB/SUB joins late: wait for the first heartbeat so later events are not missed."""
    assert sub.poll(int(timeout * 1000)), "no heartbeat from the shop"
    sub.recv_multipart()


def test_every_command_is_acked_with_the_new_state(ctx, shop):
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    sub.setsockopt(zmq.SUBSCRIBE, b"stock")
    sub.setsockopt(zmq.SUBSCRIBE, b"hb")
    sub.connect(shop.events_endpoint)
    wait_sub_ready(sub)
    before = sku_state(shop)
    cc = CommandClient(shop.requests_endpoint, context=ctx, timeout_ms=1000)
    cmds = [("freeze", {}), ("restock", {"qty": 7}), ("exposure", {"weight": 0.25}), ("delist", {}),
            ("relist", {}), ("unfreeze", {})]
    stock_events = []
    for op, kw in cmds:
        rec = cc.submit(op, SKU, by="mia", **kw)
        assert rec.state == "sent" and rec.attempts == 1
        assert drive(cc, lambda: rec.done, timeout=3)
        assert rec.state == "acked", rec.error
        assert rec.rtt_ms is not None and rec.rtt_ms > 0
        now = sku_state(shop)
        assert rec.reply["id"] == rec.id and rec.reply["ok"] is True
        assert rec.reply["sku"] == SKU
        assert rec.reply["available"] == now["available"]
        assert rec.reply["frozen"] == now["frozen"]
        # ... and the shop published the resulting stock event on the feed.
        while True:
            assert sub.poll(2000), f"no stock event after {op}"
            topic, payload = sub.recv_multipart()
            if topic == b"stock":
                stock_events.extend(decode_payload(payload))
                break
        assert stock_events[-1]["available"] == now["available"]
        assert stock_events[-1]["frozen"] == now["frozen"]
    assert sku_state(shop)["available"] == before["available"] + 7
    assert [r.state for r in cc.records] == ["acked"] * len(cmds)
    assert shop.call(lambda s: s.commands_applied) == len(cmds)
    log = shop.call(lambda s: list(s.command_log))
    assert [e["op"] for e in log] == [op for op, _ in cmds]
    assert all(e["by"] == "mia" and e["key"] is None for e in log)  # no CURVE here: no key
    assert cc.state == "ok" and cc.pending() == 0
    ups = cc.take_updates()
    assert {r.id for r in ups} == {r.id for r in cc.records} and cc.take_updates() == []
    v = cc.records[1].to_view()
    assert (v.op, v.sku, v.qty, v.state, v.origin, v.by, v.attempts) == ("restock", SKU, 7, "acked", "operator",
                                                                          "mia", 1)
    cc.close()
    sub.close(0)


def test_auto_origin_says_auto(ctx, shop):
    cc = CommandClient(shop.requests_endpoint, context=ctx)
    rec = cc.submit("freeze", SKU, origin="auto")
    assert drive(cc, lambda: rec.done)
    assert rec.state == "acked" and rec.by == "auto" and rec.origin == "auto"
    assert shop.call(lambda s: s.command_log[-1]["by"]) == "auto"
    with pytest.raises(ValueError):
        cc.submit("freeze", SKU, origin="robot")
    cc.close()


def test_dropped_reply_is_retried_and_applied_exactly_once(ctx, shop):
    proxy = LossyProxy(shop.requests_endpoint, context=ctx).start()  # drops the first reply of every id
    try:
        before = sku_state(shop)["available"]
        cc = CommandClient(proxy.frontend, context=ctx, timeout_ms=250, retries=3)
        recs = [cc.submit("restock", SKU, qty=q) for q in (5, 1, 2, 3)]
        recs.append(cc.submit("freeze", SKU))
        assert drive(cc, lambda: all(r.done for r in recs), timeout=5)
        assert [r.state for r in recs] == ["acked"] * 5
        assert all(r.attempts == 2 for r in recs), [r.attempts for r in recs]
        assert proxy.dropped == 5
        # Applied once each: the shop answered the retries from its stored replies.
        assert shop.call(lambda s: (s.commands_applied, s.replays)) == (5, 5)
        after = sku_state(shop)
        assert after["available"] == before + 11 and after["frozen"] is True
        assert recs[-1].reply["available"] == before + 11
        assert all(r.rtt_ms >= 250 for r in recs)  # the rtt counts from the first send
        assert cc.reconnects == 0 and cc.state == "ok"
        cc.close()
    finally:
        proxy.stop()


def test_shop_down_then_restarted_on_the_same_port(ctx, model):
    a = ShopThread(model, context=ctx).start()
    ep, events_ep = a.requests_endpoint, a.events_endpoint
    a.stop()  # the shop goes away ...
    cc = CommandClient(ep, context=ctx, timeout_ms=80, retries=2, max_attempts=40)
    rec = cc.submit("freeze", SKU)
    assert drive(cc, lambda: rec.attempts >= 3, timeout=3)  # ... the client keeps trying ...
    assert rec.state == "sent" and cc.state == "retrying" and cc.reconnects >= 1
    b = ShopThread(model, context=ctx, requests_endpoint=ep, events_endpoint=events_ep).start()  # ... it is back
    try:
        assert drive(cc, lambda: rec.done, timeout=5)
        assert rec.state == "acked" and rec.reply["frozen"] is True
        assert b.call(lambda s: s.commands_applied) == 1
        assert a.server.commands_applied == 0
        assert cc.state == "ok"
    finally:
        cc.close()
        b.stop()


@pytest.mark.parametrize("when", ["before", "after"])
def test_shop_crashes_mid_command_and_restarts(ctx, model, when):
    """The shop dies while handling a command (before or after applying it) and a new one binds the port.

    The new server gets the old one's stored replies (as a real shop would keep them with its
    inventory), so the restock lands exactly once either way.
    """
    a = ShopThread(model, context=ctx, crash_on={"*": when}).start()
    ep, events_ep = a.requests_endpoint, a.events_endpoint
    before = int(model.available[model.index[SKU]])
    cc = CommandClient(ep, context=ctx, timeout_ms=100, retries=2, max_attempts=30)
    rec = cc.submit("restock", SKU, qty=9)
    a.join()
    assert a.crashed and rec.state == "sent"
    b = ShopThread(model, context=ctx, requests_endpoint=ep, events_endpoint=events_ep, replies=a.replies).start()
    try:
        assert drive(cc, lambda: rec.done, timeout=5)
        assert rec.state == "acked" and rec.attempts >= 2
        assert rec.reply["available"] == before + 9
        assert sku_state(b)["available"] == before + 9
        applied_a, applied_b = a.server.commands_applied, b.call(lambda s: s.commands_applied)
        assert (applied_a, applied_b) == ((1, 0) if when == "after" else (0, 1))
        if when == "after":
            assert b.call(lambda s: s.replays) >= 1
    finally:
        cc.close()
        b.stop()


def test_restart_that_forgets_its_replies_applies_twice(ctx, model):
    """Why ``replies=`` matters: a shop that applied, died and forgot its replies applies the retry again."""
    a = ShopThread(model, context=ctx, crash_on={"*": "after"}).start()
    ep = a.requests_endpoint
    before = int(model.available[model.index[SKU]])
    cc = CommandClient(ep, context=ctx, timeout_ms=100, retries=2, max_attempts=30)
    rec = cc.submit("restock", SKU, qty=4)
    a.join()
    b = ShopThread(model, context=ctx, requests_endpoint=ep).start()  # fresh, empty reply store
    try:
        assert drive(cc, lambda: rec.done, timeout=5)
        assert rec.reply["available"] == before + 8
    finally:
        cc.close()
        b.stop()


def test_commands_in_flight_survive_a_reconnect(ctx, model):
    """Several commands pending while the shop is down all land once it is back, none twice."""
    a = ShopThread(model, context=ctx).start()
    ep = a.requests_endpoint
    a.stop()
    cc = CommandClient(ep, context=ctx, timeout_ms=60, retries=2, max_attempts=50)
    recs = [cc.submit("restock", SKU, qty=1) for _ in range(10)]
    assert drive(cc, lambda: cc.reconnects >= 2, timeout=3)
    before = int(model.available[model.index[SKU]])
    b = ShopThread(model, context=ctx, requests_endpoint=ep).start()
    try:
        assert drive(cc, lambda: all(r.done for r in recs), timeout=5)
        assert all(r.state == "acked" for r in recs)
        assert b.call(lambda s: s.commands_applied) == 10
        assert sku_state(b)["available"] == before + 10
    finally:
        cc.close()
        b.stop()


def test_no_shop_at_all_ends_failed_not_lost(ctx):
    s = ctx.socket(zmq.ROUTER)
    s.bind("tcp://127.0.0.1:*")
    ep = s.getsockopt_string(zmq.LAST_ENDPOINT)
    s.close(0)  # a port nobody listens on any more
    cc = CommandClient(ep, context=ctx, timeout_ms=30, retries=2, max_attempts=4)
    rec = cc.submit("freeze", SKU)
    assert drive(cc, lambda: rec.done, timeout=3)
    assert rec.state == "failed" and rec.attempts == 4
    assert "no answer" in rec.error
    assert cc.state == "down" and cc.pending() == 0 and cc.reconnects == 1
    assert rec in cc.take_updates()
    cc.close()


class FakeShop:
    """A hand-driven ROUTER standing in for the shop, to script replies exactly."""

    def __init__(self, ctx):
        self.sock = ctx.socket(zmq.ROUTER)
        self.sock.setsockopt(zmq.LINGER, 0)
        self.sock.bind("tcp://127.0.0.1:*")
        self.endpoint = self.sock.getsockopt_string(zmq.LAST_ENDPOINT)

    def recv(self, timeout=2.0):
        assert self.sock.poll(int(timeout * 1000)), "no request"
        ident, body = self.sock.recv_multipart()
        return ident, orjson.loads(body)

    def reply(self, ident, obj):
        self.sock.send_multipart([ident, obj if isinstance(obj, bytes) else orjson.dumps(obj)])


def test_late_duplicate_and_garbage_replies_are_ignored(ctx):
    fake = FakeShop(ctx)
    cc = CommandClient(fake.endpoint, context=ctx, timeout_ms=200, retries=5)
    rec = cc.submit("freeze", SKU)
    ident, req = fake.recv()
    assert req == {"op": "freeze", "id": rec.id, "sku": SKU, "by": "operator"}
    assert drive(cc, lambda: rec.attempts == 2, timeout=2)  # timed out, resent the same id
    ident2, req2 = fake.recv()
    assert req2["id"] == rec.id
    fake.reply(ident, b"\xffnot json")
    fake.reply(ident, {"id": rec.id, "ok": True, "sku": SKU, "available": 3, "frozen": True})
    fake.reply(ident, {"id": rec.id, "ok": True, "sku": SKU, "available": 3, "frozen": True})  # the retry's
    fake.reply(ident, {"id": "someone-else", "ok": True})
    assert drive(cc, lambda: cc.stray_replies == 2, timeout=2)
    assert rec.state == "acked" and rec.reply["available"] == 3 and rec.attempts == 2
    assert cc.bad_replies == 1
    # A rejection carries the shop's reason; a rejection without one still says something.
    r2 = cc.submit("freeze", "X1")
    r3 = cc.submit("freeze", "X2")
    for _ in range(2):
        ident, req = fake.recv()
        fake.reply(ident, {"id": req["id"], "ok": False, **({"error": "unknown SKU 'X1'"} if req["sku"] == "X1"
                                                           else {})})
    assert drive(cc, lambda: r2.done and r3.done, timeout=2)
    assert (r2.state, r2.error) == ("rejected", "unknown SKU 'X1'")
    assert r3.state == "rejected" and "no reason" in r3.error
    cc.close()


def test_invalid_commands_are_rejected_locally_and_never_sent(ctx, shop):
    cc = CommandClient(shop.requests_endpoint, context=ctx)
    bad = [cc.submit("restock", SKU, qty=0), cc.submit("restock", SKU, qty=-2), cc.submit("restock", SKU),
           cc.submit("exposure", SKU, weight=1.5), cc.submit("explode", SKU), cc.submit("snapshot", SKU),
           cc.submit("freeze", "")]
    for r in bad:
        assert r.state == "rejected" and r.error.startswith("not sent:") and r.attempts == 0, r
    assert cc.pending() == 0
    ok = cc.submit("freeze", SKU)
    assert drive(cc, lambda: ok.done)
    assert shop.call(lambda s: (s.requests, s.commands_applied)) == (1, 1)
    cc.close()


def test_state_goes_down_then_ok_again(ctx):
    fake = FakeShop(ctx)
    cc = CommandClient(fake.endpoint, context=ctx, timeout_ms=20, retries=1, max_attempts=2)
    assert cc.state == "idle"
    r1 = cc.submit("freeze", SKU)
    assert drive(cc, lambda: r1.done, timeout=2)
    assert r1.state == "failed" and cc.state == "down"
    while fake.sock.poll(0):
        fake.sock.recv_multipart()
    cc.timeout_s = 5.0  # from here on, no retry may race the scripted reply on a busy machine
    r2 = cc.submit("unfreeze", SKU)
    ident, req = fake.recv()
    assert req["id"] == r2.id
    fake.reply(ident, {"id": r2.id, "ok": True, "sku": SKU, "available": 1, "frozen": False})
    assert drive(cc, lambda: r2.done, timeout=2)
    assert r2.state == "acked" and cc.state == "ok"
    # close() reports what was still pending as failed.
    r3 = cc.submit("freeze", SKU)
    cc.take_updates()
    cc.close()
    assert r3.state == "failed" and "closed" in r3.error and cc.take_updates() == [r3]


def test_records_are_bounded_newest_last(ctx):
    fake = FakeShop(ctx)
    cc = CommandClient(fake.endpoint, context=ctx, max_records=5)
    recs = [cc.submit("freeze", f"S{i}") for i in range(8)]
    assert [r.sku for r in cc.records] == [f"S{i}" for i in range(3, 8)]
    assert cc.pending() == 8  # pending ones are still tracked even when out of the display list
    assert cc.get(recs[0].id) is recs[0]
    cc.close()


def test_timeouts_follow_the_injected_clock(ctx):
    """Retry, reconnect and failure timing with a fake clock (no sleeping)."""
    fake = FakeShop(ctx)
    now = [1000.0]
    cc = CommandClient(fake.endpoint, context=ctx, timeout_ms=100, retries=2, max_attempts=5, clock=lambda: now[0])
    rec = cc.submit("freeze", SKU)
    seen = []
    for _ in range(6):
        cc.service()
        seen.append((rec.attempts, cc.reconnects, rec.state))
        now[0] += 0.125
    # 1 sent; +0.1: resend (2); +0.2: 2 silent attempts -> reconnect, resend (3); 4; reconnect, 5; fail.
    assert seen == [(1, 0, "sent"), (2, 0, "sent"), (3, 1, "sent"), (4, 1, "sent"), (5, 2, "sent"),
                    (5, 2, "failed")]
    assert cc.next_deadline() is None
    cc.close()


def test_zero_retries_setting_is_accepted(ctx):
    fake = FakeShop(ctx)
    cc = CommandClient(fake.endpoint, context=ctx, timeout_ms=20, retries=0)
    assert cc.retries == 1 and cc.max_attempts == 3  # reconnect after every silent attempt, fail after 3
    rec = cc.submit("freeze", SKU)
    assert drive(cc, lambda: rec.done, timeout=2)
    assert rec.state == "failed" and rec.attempts == 3 and cc.reconnects == 2
    cc.close()
    with pytest.raises(ValueError):
        CommandClient(fake.endpoint, context=ctx, timeout_ms=0)


def test_numpy_values_from_the_engine_are_sent_as_plain_json(ctx, shop):
    np = pytest.importorskip("numpy")
    cc = CommandClient(shop.requests_endpoint, context=ctx)
    r1 = cc.submit("restock", np.str_(SKU), qty=np.int64(2))
    r2 = cc.submit("exposure", SKU, weight=np.float64(0.5))
    r3 = cc.submit("restock", SKU, qty=True)  # a boolean is not a quantity
    assert drive(cc, lambda: r1.done and r2.done)
    assert (r1.state, r2.state, r3.state) == ("acked", "acked", "rejected")
    assert type(r1.qty) is int and type(r2.weight) is float and type(r1.sku) is str
    cc.close()
