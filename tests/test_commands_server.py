"""The shop's request socket: bad requests get a clear ok:false and change nothing; ids are applied once."""
from __future__ import annotations

import itertools

import orjson
import pytest
import zmq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from controlroom.simulate.harness import ShopThread, raw_request
from controlroom.protocol import MAX_PAYLOAD_BYTES, validate_command
from controlroom.shop import ShopServer
from controlroom.simulate.model import ShopModel


@pytest.fixture(scope="module")
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture(scope="module")
def shop(ctx):
    s = ShopThread(ShopModel("flash-sale", seed=3), context=ctx).start()
    yield s
    s.stop()


def state(shop):
    """Everything a command could change, plus the feed's seq less heartbeats (an event would move it)."""
    return shop.call(lambda srv: (srv.book.snapshot(), srv.stamper.seq - srv.heartbeats, srv.commands_applied))


_ids = itertools.count(1)


def cmd(**kw):
    base = {"op": "freeze", "id": f"id-{next(_ids)}", "sku": "PF01", "by": "t"}
    base.update(kw)
    return {k: v for k, v in base.items() if v is not ...}


BAD = [
    ("unknown op", cmd(op="explode"), "unknown op"),
    ("op missing", cmd(op=...), "unknown op"),
    ("sku missing", cmd(sku=...), "sku must be"),
    ("sku empty", cmd(sku=""), "sku must be"),
    ("sku not a string", cmd(sku=12), "sku must be"),
    ("sku unknown to the shop", cmd(sku="NOPE-1"), "unknown SKU"),
    ("id missing", cmd(id=...), "id must be"),
    ("id not a string", cmd(id=5), "id must be"),
    ("by not a string", cmd(by=["x"]), "by must be a string"),
    ("restock qty 0", cmd(op="restock", qty=0), "qty"),
    ("restock qty negative", cmd(op="restock", qty=-3), "qty"),
    ("restock qty missing", cmd(op="restock"), "qty"),
    ("restock qty as text", cmd(op="restock", qty="5"), "qty"),
    ("restock qty fractional", cmd(op="restock", qty=2.5), "qty"),
    ("restock qty boolean", cmd(op="restock", qty=True), "qty"),
    ("exposure above 1", cmd(op="exposure", weight=1.5), "weight"),
    ("exposure below 0", cmd(op="exposure", weight=-0.1), "weight"),
    ("exposure missing", cmd(op="exposure"), "weight"),
    ("malformed JSON", b'{"op": "freeze", "id": "m1", ', "malformed JSON"),
    ("empty frame", b"", "malformed JSON"),
    ("not UTF-8", b"\xff\xfe\x00garbage", "malformed JSON"),
    ("JSON array", b'[{"op": "freeze"}]', "JSON object"),
    ("JSON string", b'"freeze PF01"', "JSON object"),
    ("oversize", b'{"op":"freeze","id":"big","sku":"PF01","pad":"' + b"x" * MAX_PAYLOAD_BYTES + b'"}', "larger than"),
]


@pytest.mark.parametrize("name,body,expect", BAD, ids=[b[0] for b in BAD])
def test_bad_request_gets_clear_error_and_changes_nothing(ctx, shop, name, body, expect):
    before = state(shop)
    rep = raw_request(shop.requests_endpoint, body, context=ctx, timeout=3)
    assert rep is not None, "no reply"
    assert rep["ok"] is False
    assert expect in rep["error"], rep["error"]
    assert set(rep) >= {"id", "ok", "error"}
    if isinstance(body, dict) and isinstance(body.get("id"), str):
        assert rep["id"] == body["id"]
    assert state(shop) == before


def test_rejections_are_recorded(ctx, shop):
    rep = raw_request(shop.requests_endpoint, cmd(op="restock", qty=0, id="rej-1"), context=ctx)
    assert rep["ok"] is False
    last = shop.call(lambda s: s.rejections[-1])
    assert last["id"] == "rej-1" and last["op"] == "restock" and "qty" in last["error"] and last["key"] is None


def test_repeated_id_replays_the_stored_reply_without_effect(ctx, shop):
    before_snap, seq0, applied0 = state(shop)
    req = cmd(op="restock", qty=3, id="dup-1")
    r1 = raw_request(shop.requests_endpoint, req, context=ctx)
    r2 = raw_request(shop.requests_endpoint, req, context=ctx)
    # Even a different body under the same id gets the first answer and does nothing.
    r3 = raw_request(shop.requests_endpoint, {**req, "op": "freeze"}, context=ctx)
    assert r1 == r2 == r3 and r1["ok"] is True
    snap, seq, applied = state(shop)
    assert applied == applied0 + 1
    assert seq == seq0 + 1  # one stock event published, not three
    pf = {s["sku"]: s for s in snap["skus"]}["PF01"]
    assert pf["available"] == {s["sku"]: s for s in before_snap["skus"]}["PF01"]["available"] + 3
    assert pf["frozen"] is False


def test_a_rejected_id_stays_rejected(ctx, shop):
    req = cmd(sku="NOPE-2", id="rej-unknown")
    r1 = raw_request(shop.requests_endpoint, req, context=ctx)
    r2 = raw_request(shop.requests_endpoint, {**req, "sku": "PF01"}, context=ctx)
    assert r1 == r2 and r1["ok"] is False and "unknown SKU" in r1["error"]


def test_req_clients_work_too(ctx, shop):
    """The server keeps the whole envelope, so a REQ socket (empty delimiter frame) gets its reply."""
    rep = raw_request(shop.requests_endpoint, {"op": "snapshot", "id": "s1"}, context=ctx, socket_type=zmq.REQ)
    assert rep["ok"] is True and rep["id"] == "s1" and rep["room"] == "demo-flash"
    rep = raw_request(shop.requests_endpoint, cmd(op="delist", id="req-1"), context=ctx, socket_type=zmq.REQ)
    assert rep["ok"] is True and rep["id"] == "req-1"


class ExplodingBook:
    """A book whose apply_command fails half-way (a shop integrator's bug)."""

    def __init__(self, model):
        self.model = model
        self.stamper = model.stamper
        self.calls = 0

    def snapshot(self):
        return self.model.snapshot()

    def drain(self):
        return self.model.drain()

    def apply_command(self, req):
        self.calls += 1
        raise RuntimeError("inventory database is down")


def test_book_errors_become_stored_ok_false(ctx):
    book = ExplodingBook(ShopModel("flash-sale", seed=1))
    with ShopThread(book, context=ctx) as shop:
        req = cmd(id="boom-1")
        r1 = raw_request(shop.requests_endpoint, req, context=ctx)
        r2 = raw_request(shop.requests_endpoint, req, context=ctx)
        assert r1 == r2 and r1["ok"] is False and "shop error" in r1["error"]
        assert book.calls == 1  # the retry did not run a half-applied command again
        snap = raw_request(shop.requests_endpoint, {"op": "snapshot", "id": "s"}, context=ctx)
        assert snap["ok"] is True  # the server is still serving


def test_failed_bind_does_not_leak_the_other_socket():
    c = zmq.Context()
    model = ShopModel("flash-sale", seed=1)
    taken = c.socket(zmq.ROUTER)
    taken.bind("tcp://127.0.0.1:*")
    try:
        with pytest.raises(zmq.ZMQError) as ei:  # ei keeps the half-built server (and its sockets) alive
            ShopServer(model, model.stamper, context=c, events_endpoint="tcp://127.0.0.1:*",
                       requests_endpoint=taken.getsockopt_string(zmq.LAST_ENDPOINT))
        assert ei.value.errno == zmq.EADDRINUSE
        open_sockets = [s for s in c._sockets if not s.closed and s is not taken]
        assert open_sockets == []
    finally:
        taken.close(0)
        c.destroy(linger=0)


# --- property: whatever arrives, the server answers, and only valid commands change anything ----------

json_scalars = st.none() | st.booleans() | st.integers(-5, 10**6) | st.floats(allow_nan=False, allow_infinity=False) \
    | st.text(max_size=8)
requests = st.fixed_dictionaries(
    {},
    optional={
        "op": st.sampled_from(["freeze", "unfreeze", "restock", "exposure", "delist", "relist", "snapshot", "x"])
        | json_scalars,
        "id": st.text(min_size=0, max_size=6) | json_scalars,
        "sku": st.sampled_from(["PF01", "FS01", "NOPE", ""]) | json_scalars,
        "qty": st.integers(-2, 5) | json_scalars,
        "weight": st.floats(-0.5, 1.5, allow_nan=False) | json_scalars,
        "by": st.text(max_size=5) | json_scalars,
    },
)


@pytest.fixture(scope="module")
def bare_server(ctx):
    model = ShopModel("flash-sale", seed=2)
    srv = ShopServer(model, model.stamper, context=ctx, events_endpoint="tcp://127.0.0.1:*",
                     requests_endpoint="tcp://127.0.0.1:*")
    yield srv
    srv.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(req=requests)
def test_server_answers_anything_and_only_valid_commands_apply(bare_server, req):
    srv = bare_server
    before = (orjson.dumps(srv.book.snapshot()), srv.stamper.seq, srv.commands_applied)
    known = isinstance(req.get("id"), str) and req["id"] in srv.replies
    rep = orjson.loads(srv._answer(orjson.dumps(req), None))
    assert type(rep) is dict and type(rep["ok"]) is bool and "id" in rep
    srv.book.drain()
    if req.get("op") == "snapshot":
        assert rep["ok"] is True
        return
    changed = (orjson.dumps(srv.book.snapshot()), srv.stamper.seq, srv.commands_applied) != before
    if known:
        assert not changed
        return
    valid = True
    try:
        validate_command(dict(req))
    except Exception:
        valid = False
    if rep["ok"]:
        assert valid and req["sku"] in srv.book.index and srv.commands_applied == before[2] + 1
    else:
        assert isinstance(rep["error"], str) and rep["error"]
        assert not changed
