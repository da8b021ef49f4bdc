"""What the host view decides from a snapshot: featured SKU, next SKUs, banners, automatic prompts, room filter."""
from controlroom.state.view import PromptView, SkuView, ViewSnapshot
from ui.host.state import host_state, pick_featured


def _sku(sku, available=100, **kw):
    return SkuView(sku, sku.lower(), "profit", 1000, available, kw.pop("frozen", False), **kw)


def test_featured_is_the_shops_else_the_most_urgent_on_sale():
    skus = (_sku("A", level="critical", delisted=True), _sku("B", level="warning"), _sku("C", featured=True))
    assert pick_featured(ViewSnapshot(skus=skus)).sku == "C"
    assert pick_featured(ViewSnapshot(skus=skus[:2])).sku == "B"  # A is delisted
    assert pick_featured(ViewSnapshot()) is None


def test_next_skus_leave_out_the_featured_the_sold_out_and_the_delisted():
    skus = (_sku("A", featured=True), _sku("B", 0), _sku("C", delisted=True), *(_sku(f"N{i}") for i in range(6)))
    st = host_state(ViewSnapshot(skus=skus), "live")
    assert [s.sku for s in st.next] == ["N0", "N1", "N2", "N3"]


def test_banners_and_automatic_prompts():
    def st(**kw):
        return host_state(ViewSnapshot(skus=(_sku("A", featured=True, **kw), _sku("B"))), "live")

    assert (st().banner, st().auto_prompt) == (None, None)
    assert (st(level="warning").banner, st(level="warning").auto_prompt) == (None, None)
    assert (st(level="critical").banner, st(level="critical").auto_prompt) == (None, "critical")
    assert (st(available=0, level="critical").banner, st(available=0).auto_prompt) == ("sold_out", "sold_out")
    assert (st(frozen=True, level="critical").banner, st(frozen=True, level="critical").auto_prompt) == ("frozen", None)
    # The operator's prompt takes the box: no automatic one beside it.
    p = PromptView("p", "hi", "ann", 1.0)
    got = host_state(ViewSnapshot(skus=(_sku("A", 0, featured=True),), prompt=p), "live")
    assert got.prompt == p and got.auto_prompt is None and got.banner == "sold_out"
    # The room's settings take the host channel off critical alerts: banners stay, no automatic prompt.
    off = host_state(ViewSnapshot(skus=(_sku("A", 0, featured=True),), host_prompts=False), "live")
    assert off.banner == "sold_out" and off.auto_prompt is None


def test_the_host_channel_setting_travels_in_the_stream():
    from controlroom.settings import Settings
    from controlroom.state import schema as S

    for chans, want in ((("panel", "host"), True), (("panel", "sound"), False)):
        settings = Settings().with_changes({"notify.critical_channels": list(chans)})
        assert ("host" in settings.notify.critical_channels) is want
        v = ViewSnapshot(host_prompts="host" in settings.notify.critical_channels)
        frame = S.Snapshot(v=S.VERSION, epoch="e", seq=1, room=S.room_to_wire(v), skus=())
        got = S.client_decoder().decode(S.encode(frame))
        assert S.view_from_wire(got.room, ()).host_prompts is want


def test_connection_and_room_cover_the_view():
    v = ViewSnapshot(room="r1", skus=(_sku("A", featured=True),))
    assert not host_state(v, "live").covered
    assert host_state(v, "lost").covered and host_state(v, "connecting").covered
    assert host_state(v, "live", wanted_room="r2").covered
    assert not host_state(v, "live", wanted_room="r1").covered


def test_a_featured_sku_open_in_an_auto_freeze_pulse_keeps_the_frozen_banner():
    from controlroom.state.view import AlertView

    fws = AlertView(key="k", sku="A", level="frozen_with_stock", state="firing", since_ts=1.0, reason="frozen with 40 left")
    skus = (_sku("A", 40, featured=True, level="ok"), _sku("B"))
    st = host_state(ViewSnapshot(skus=skus, alerts=(fws,)), "live")
    assert st.banner == "frozen" and st.featured.frozen and st.featured.sku == "A"
    assert [s.sku for s in st.next] == ["B"]  # the featured SKU is still not listed as next
    assert host_state(ViewSnapshot(skus=skus), "live").banner is None  # no hold: it is selling


def test_the_rooms_headline_counts_a_sku_open_in_a_pulse_as_frozen_with_stock():
    from controlroom.rooms.headline import headline
    from controlroom.state.view import AlertView

    fws = AlertView(key="k", sku="A", level="frozen_with_stock", state="firing", since_ts=1.0, reason="frozen with 40 left")
    skus = (_sku("A", 40), _sku("B", 10, frozen=True), _sku("C"))
    assert headline("r", "R", ViewSnapshot(skus=skus, alerts=(fws,)), "live", 0.0).frozen_with_stock == 2
    assert headline("r", "R", ViewSnapshot(skus=skus), "live", 0.0).frozen_with_stock == 1
