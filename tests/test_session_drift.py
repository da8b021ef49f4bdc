"""A restock of ours landing is not a drift: SnapshotBuilder sorts the mirror's drifts."""
from __future__ import annotations

from types import SimpleNamespace

from controlroom.commands.client import CommandRecord
from controlroom.live.snapshot import SnapshotBuilder


class _Mirror:
    """The mirror's drift record: the latest drifts and the count of all (StockMirror)."""

    def __init__(self, drifts):
        self.drifts = drifts

    @property
    def drift_count(self):
        return len(self.drifts)


def _builder(drifts, records):
    session = SimpleNamespace(feed=SimpleNamespace(mirror=_Mirror(drifts)),
                              commands=SimpleNamespace(records=records))
    return SnapshotBuilder(session)


def test_our_restock_landing_is_not_a_drift_but_an_unexplained_change_is():
    drifts = []
    records = [CommandRecord(id="c1", op="restock", sku="A1", qty=250, state="acked"),
               CommandRecord(id="c2", op="freeze", sku="B2", state="acked")]
    b = _builder(drifts, records)
    drifts.append((10.0, "A1", 10, 260))  # the shop's stock event after our restock of 250
    b._classify_drifts()
    assert b.drift is None and b.restocks_seen == 1
    drifts.append((11.0, "A1", 255, 505))  # the same restock cannot explain a second jump
    b._classify_drifts()
    assert b.drift == "A1: mirror 255, shop 505 (+250)"
    drifts.append((12.0, "B2", 40, 37))  # nothing of ours explains this one either
    b._classify_drifts()
    assert b.drift == "B2: mirror 40, shop 37 (-3)" and b.restocks_seen == 1


def test_a_restock_still_in_flight_explains_its_stock_event():
    # The shop publishes the stock event before its reply reaches us: the command is still "sent".
    drifts = [(5.0, "A1", 0, 100)]
    b = _builder(drifts, [CommandRecord(id="c1", op="restock", sku="A1", qty=100, state="sent")])
    b._classify_drifts()
    assert b.drift is None and b.restocks_seen == 1
    # A failed restock explains nothing.
    drifts.append((6.0, "A1", 100, 200))
    b.session.commands.records.append(CommandRecord(id="c2", op="restock", sku="A1", qty=100, state="failed"))
    b._classify_drifts()
    assert b.drift == "A1: mirror 100, shop 200 (+100)"
