"""The desk's decode of state frames: SKU conversion and sparkline reuse (controlroom/state/client.py)."""
from __future__ import annotations

import math

from controlroom.state import schema as s
from controlroom.state.client import _keep_spark
from controlroom.state.view import SkuView

NAN = math.nan


def _wire(spark, available=50):
    return s.Sku("A1", "Kettle", "profit", 1990, available, False, False, 3, 1.5, 30.0, 10.0, 12.0, 100.0, 80.0,
                 20.0, 5.0, "warning", 2.0, True, spark)


def test_sku_from_wire_fills_every_field_in_order():
    w = _wire((NAN, 3.0, 2.0))
    v = s.sku_from_wire(w)
    assert isinstance(v, SkuView)
    for f in s.Sku.__struct_fields__:
        if f != "spark":
            assert getattr(v, f) == getattr(w, f), f
    assert v.spark is w.spark
    assert s.sku_from_wire(_wire(None), old_spark=(1.0, 2.0)).spark == (1.0, 2.0)


def test_keep_spark_reuses_the_old_tuple_only_for_the_same_points():
    old = s.sku_from_wire(_wire((NAN, NAN, 4.0, 3.0)))
    same_with_nan = s.sku_from_wire(_wire((float("nan"), float("nan"), 4.0, 3.0)))  # other NaN objects
    assert _keep_spark(old, same_with_nan).spark is old.spark
    moved_last = s.sku_from_wire(_wire((NAN, NAN, 4.0, 2.0)))
    assert _keep_spark(old, moved_last).spark is not old.spark
    moved_first = s.sku_from_wire(_wire((1.0, NAN, 4.0, 3.0)))
    assert _keep_spark(old, moved_first).spark is not old.spark
    last_became_nan = s.sku_from_wire(_wire((NAN, NAN, 4.0, NAN)))
    assert _keep_spark(old, last_became_nan).spark is not old.spark
    plain = s.sku_from_wire(_wire((5.0, 4.0)))
    plain2 = s.sku_from_wire(_wire((5.0, 4.0)))
    assert _keep_spark(plain, plain2).spark is plain.spark
    assert _keep_spark(None, plain2) is plain2
    shorter = s.sku_from_wire(_wire((4.0,)))
    assert _keep_spark(plain, shorter).spark == (4.0,)
