"""CURVE on the shop link: only authorised control rooms get anything done or served."""
from __future__ import annotations

import shutil

import pytest
import zmq

from controlroom.commands import CommandClient
from controlroom.security.keys import ClientCurve, ServerCurve, generate_keys
from controlroom.simulate.harness import ShopThread, drive, raw_request
from controlroom.simulate.model import ShopModel

SKU = "PF01"


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    d = tmp_path_factory.mktemp("keys")
    shop_pub, shop_sec = generate_keys(d / "shop", "shop")
    desk_pub, desk_sec = generate_keys(d / "desk", "desk1")
    stranger_pub, stranger_sec = generate_keys(d / "stranger", "stranger")
    other_shop_pub, _ = generate_keys(d / "othershop", "shop")
    auth = d / "authorized"
    auth.mkdir()
    shutil.copy(desk_pub, auth / desk_pub.name)
    return {"dir": d, "shop_pub": shop_pub, "shop_sec": shop_sec, "desk_pub": desk_pub, "desk_sec": desk_sec,
            "stranger_pub": stranger_pub, "stranger_sec": stranger_sec, "other_shop_pub": other_shop_pub,
            "auth": auth}


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def secure_shop(ctx, keys):
    curve = ServerCurve(keys["shop_sec"], keys["auth"], ctx)
    model = ShopModel("flash-sale", seed=5)
    shop = ShopThread(model, context=ctx, curve=curve).start()
    yield shop
    shop.stop()
    curve.close()  # after the sockets it served are closed


def desk(keys):
    return ClientCurve(keys["desk_sec"], keys["shop_pub"])


def shop_state(shop):
    """What a stranger must not change: the book and the request counters (heartbeats move seq)."""
    return shop.call(lambda s: (s.book.snapshot(), s.commands_applied, s.requests, len(s.rejections)))


def test_authorised_desk_works_and_its_key_is_recorded(ctx, keys, secure_shop):
    curve = desk(keys)
    snap = raw_request(secure_shop.requests_endpoint, {"op": "snapshot", "id": "s1"}, context=ctx, curve=curve)
    assert snap is not None and snap["ok"] is True and len(snap["skus"]) == 8
    cc = CommandClient(secure_shop.requests_endpoint, context=ctx, curve=curve, timeout_ms=500)
    rec = cc.submit("freeze", SKU, by="mia")
    bad = cc.submit("freeze", "NOPE")
    assert drive(cc, lambda: rec.done and bad.done, timeout=5)
    assert rec.state == "acked" and rec.reply["frozen"] is True
    assert bad.state == "rejected"
    log = secure_shop.call(lambda s: list(s.command_log))
    assert log[-1]["key"] == curve.public_text == keys["desk_pub"].read_text().split('"')[1]
    assert log[-1]["by"] == "mia" and log[-1]["id"] == rec.id
    rej = secure_shop.call(lambda s: s.rejections[-1])
    assert rej["key"] == curve.public_text and rej["id"] == bad.id
    # The feed is protected too, and the desk receives it.
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    curve.apply(sub)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(secure_shop.events_endpoint)
    assert sub.poll(2000), "authorised subscriber got no heartbeat"
    sub.close(0)
    cc.close()


@pytest.mark.parametrize("who", ["unknown key", "no key", "wrong server key"])
def test_strangers_get_nothing_done_and_no_snapshot(ctx, keys, secure_shop, who):
    if who == "unknown key":
        curve = ClientCurve(keys["stranger_sec"], keys["shop_pub"])
    elif who == "wrong server key":  # an authorised desk pointed at the wrong shop's public key
        curve = ClientCurve(keys["desk_sec"], keys["other_shop_pub"])
    else:
        curve = None
    ep = secure_shop.requests_endpoint
    before = shop_state(secure_shop)
    assert before[1:] == (0, 0, 0)
    assert raw_request(ep, {"op": "snapshot", "id": "s1"}, context=ctx, curve=curve, timeout=0.4) is None
    cc = CommandClient(ep, context=ctx, curve=curve, timeout_ms=60, retries=2, max_attempts=4)
    recs = [cc.submit("freeze", SKU, by="intruder"), cc.submit("restock", SKU, qty=1000)]
    assert drive(cc, lambda: all(r.done for r in recs), timeout=3)
    assert [r.state for r in recs] == ["failed", "failed"]
    assert all("no answer" in r.error for r in recs)
    if who == "unknown key":
        assert cc.auth_failures >= 1 and "CURVE key" in recs[0].error  # the operator is told why
    assert shop_state(secure_shop) == before  # not one message of theirs reached the shop
    # No feed either.
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt(zmq.LINGER, 0)
    if curve is not None:
        curve.apply(sub)
    sub.setsockopt(zmq.SUBSCRIBE, b"")
    sub.connect(secure_shop.events_endpoint)
    assert not sub.poll(700), "a stranger received the feed"  # heartbeats go out every 0.5 s
    sub.close(0)
    cc.close()


def test_authorising_a_new_desk_takes_a_reload(ctx, keys, tmp_path):
    auth = tmp_path / "auth"
    auth.mkdir()
    shutil.copy(keys["desk_pub"], auth)
    curve = ServerCurve(keys["shop_sec"], auth, ctx)
    shop = ShopThread(ShopModel("flash-sale", seed=5), context=ctx, curve=curve).start()
    try:
        newcomer = ClientCurve(keys["stranger_sec"], keys["shop_pub"])
        ask = {"op": "snapshot", "id": "s"}
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=newcomer, timeout=0.3) is None
        shutil.copy(keys["stranger_pub"], auth)
        assert newcomer.public_text in curve.reload()
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=newcomer, timeout=2)["ok"] is True
        (auth / keys["stranger_pub"].name).unlink()  # and revoking it
        curve.reload()
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=newcomer, timeout=0.3) is None
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=2)["ok"] is True
    finally:
        shop.stop()
        curve.close()


def test_fails_closed_without_the_authenticator(ctx, keys):
    """A CURVE server whose authenticator is stopped refuses everyone (it does not fall back to 'anyone')."""
    curve = ServerCurve(keys["shop_sec"], keys["auth"], ctx)
    shop = ShopThread(ShopModel("flash-sale", seed=5), context=ctx, curve=curve).start()
    try:
        ask = {"op": "snapshot", "id": "s"}
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=2)["ok"] is True
        curve.close()
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=0.4) is None
        stranger = ClientCurve(keys["stranger_sec"], keys["shop_pub"])
        assert raw_request(shop.requests_endpoint, ask, context=ctx, curve=stranger, timeout=0.4) is None
    finally:
        shop.stop()


def test_two_shops_in_one_context_keep_their_own_lists(ctx, keys, tmp_path):
    only_stranger = tmp_path / "only_stranger"
    only_stranger.mkdir()
    shutil.copy(keys["stranger_pub"], only_stranger)
    c1 = ServerCurve(keys["shop_sec"], keys["auth"], ctx)  # accepts the desk
    c2 = ServerCurve(keys["shop_sec"], only_stranger, ctx)  # accepts the stranger
    s1 = ShopThread(ShopModel("flash-sale", seed=1), context=ctx, curve=c1).start()
    s2 = ShopThread(ShopModel("flash-sale", seed=1), context=ctx, curve=c2).start()
    try:
        ask = {"op": "snapshot", "id": "s"}
        stranger = ClientCurve(keys["stranger_sec"], keys["shop_pub"])
        assert raw_request(s1.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=2) is not None
        assert raw_request(s2.requests_endpoint, ask, context=ctx, curve=stranger, timeout=2) is not None
        assert raw_request(s1.requests_endpoint, ask, context=ctx, curve=stranger, timeout=0.3) is None
        assert raw_request(s2.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=0.3) is None
        c2.close()  # the shared handler keeps serving the other shop
        assert raw_request(s1.requests_endpoint, ask, context=ctx, curve=desk(keys), timeout=2) is not None
    finally:
        s1.stop()
        s2.stop()
        c1.close()
        c2.close()


def test_curve_survives_a_shop_restart(ctx, keys):
    curve = ServerCurve(keys["shop_sec"], keys["auth"], ctx)
    model = ShopModel("flash-sale", seed=5)
    a = ShopThread(model, context=ctx, curve=curve).start()
    ep = a.requests_endpoint
    a.stop()
    cc = CommandClient(ep, context=ctx, curve=desk(keys), timeout_ms=80, retries=2, max_attempts=40)
    rec = cc.submit("freeze", SKU)
    assert drive(cc, lambda: rec.attempts >= 2, timeout=2)
    b = ShopThread(model, context=ctx, curve=curve, requests_endpoint=ep, replies=a.replies).start()
    try:
        assert drive(cc, lambda: rec.done, timeout=5)
        assert rec.state == "acked"
        assert b.call(lambda s: s.command_log[-1]["key"]) == desk(keys).public_text
    finally:
        cc.close()
        b.stop()
        curve.close()
