"""Commands with a deadline (protocol v1 addition): a stalled shop's late answer is the command's true fate.

Real sockets on loopback; the shop is stalled by running a sleep on its own thread
(it reads nothing meanwhile: requests wait in the socket, as with SIGSTOP).
"""
from __future__ import annotations

import threading
import time

import pytest
import zmq

from controlroom.commands import CommandClient
from controlroom.simulate.harness import ShopThread, drive, raw_request
from controlroom.protocol import Reject, validate_command
from controlroom.shop.server import EXPIRED_ERROR
from controlroom.simulate.model import ShopModel

SKU = "PF01"
pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def ctx():
    c = zmq.Context()
    yield c
    c.destroy(linger=0)


@pytest.fixture
def shop(ctx):
    s = ShopThread(ShopModel("flash-sale", seed=7), context=ctx).start()
    yield s
    s.stop()


def available(shop) -> int:
    return shop.call(lambda srv: next(s for s in srv.book.catalog if s["sku"] == SKU)["available"])


def stall(shop, seconds: float) -> threading.Thread:
    """The shop's loop does nothing for ``seconds`` (its thread sleeps)."""
    t = threading.Thread(target=lambda: shop.call(lambda srv: time.sleep(seconds), timeout=seconds + 10))
    t.start()
    time.sleep(0.05)  # the shop thread has taken the call
    return t


def test_validate_accepts_a_numeric_deadline_only():
    base = {"op": "freeze", "id": "x", "sku": "A"}
    validate_command({**base, "deadline": 1_900_000_000.5})
    validate_command(base)  # optional: old clients send none
    for bad in ("soon", True, None, float("inf")):
        with pytest.raises(Reject):
            validate_command({**base, "deadline": bad})


def test_an_expired_command_is_refused_unapplied_and_stays_refused(ctx, shop):
    before = available(shop)
    req = {"op": "restock", "id": "late-1", "sku": SKU, "qty": 50, "by": "t", "deadline": time.time() - 1.0}
    rep = raw_request(shop.requests_endpoint, req, context=ctx)
    assert rep["ok"] is False and rep["error"].startswith(EXPIRED_ERROR) and "not applied" in rep["error"]
    # A retry of the same id, even with a fresh deadline, gets the stored refusal: it can never apply later.
    rep2 = raw_request(shop.requests_endpoint, {**req, "deadline": time.time() + 60}, context=ctx)
    assert rep2 == rep
    assert available(shop) == before
    assert shop.call(lambda srv: srv.commands_expired) == 1
    # In time: applied.
    rep3 = raw_request(shop.requests_endpoint, {**req, "id": "ok-1", "deadline": time.time() + 60}, context=ctx)
    assert rep3["ok"] is True and available(shop) == before + 50


def test_a_stall_past_the_deadline_ends_rejected_never_failed(ctx, shop):
    c = CommandClient(shop.requests_endpoint, context=ctx, timeout_ms=100, retries=2, max_attempts=3, deadline_s=1.5)
    before = available(shop)
    t = stall(shop, 3.0)
    rec = c.submit("restock", SKU, qty=50)
    assert rec.request()["deadline"] == pytest.approx(rec.created_at + 1.5, abs=0.01)
    # No answer after max_attempts: "unknown", not "failed" — the shop could still apply it.
    assert drive(c, lambda: rec.state != "sent", timeout=5)
    assert rec.state == "unknown" and "still asking" in rec.error
    seen = []
    assert drive(c, lambda: seen.append(rec.state) or rec.state != "unknown", timeout=15)
    t.join()
    assert "failed" not in seen
    # The shop read it after its deadline: refused, not applied.
    assert rec.state == "rejected" and rec.error.startswith(EXPIRED_ERROR)
    assert available(shop) == before
    c.close()


def test_a_stall_inside_the_deadline_ends_acked_and_applied(ctx, shop):
    c = CommandClient(shop.requests_endpoint, context=ctx, timeout_ms=100, retries=2, max_attempts=3, deadline_s=8.0)
    before = available(shop)
    t = stall(shop, 1.5)
    rec = c.submit("restock", SKU, qty=50)
    assert drive(c, lambda: rec.state == "unknown", timeout=5)
    assert drive(c, lambda: rec.state not in ("sent", "unknown"), timeout=15)
    t.join()
    assert rec.state == "acked"
    assert available(shop) == before + 50  # once, for all the resends
    c.close()


def test_without_a_deadline_an_unanswered_command_still_fails(ctx, shop):
    c = CommandClient(shop.requests_endpoint, context=ctx, timeout_ms=100, retries=2, max_attempts=3)
    t = stall(shop, 1.5)
    rec = c.submit("freeze", SKU)
    assert "deadline" not in rec.request()
    assert drive(c, lambda: rec.done, timeout=5)
    assert rec.state == "failed"
    t.join()
    c.close()
