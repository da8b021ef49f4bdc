"""A tiny run of the feed benchmark: it must work and lose nothing (no timing asserted here)."""
from bench import bench_feed


def test_feed_benchmark_smoke_loses_nothing():
    res = bench_feed.run(quick=True)
    for case in ("batch1", "batch100"):
        for side in ("bare", "feed"):
            assert res[case][side]["lost"] == 0, res
            assert res[case][side]["events_per_s"] > 0


def test_host_benchmark_smoke_sees_every_probe():
    """A tiny run of the host-view benchmark (two processes): every probe reaches the painted frame."""
    from bench import bench_host

    res = bench_host.run(quick=True)
    assert res["missed"] == 0 and res["prompt_to_pixel"]["n"] == 5, res
    assert res["baseline_prompt_to_client"]["n"] == 5
def test_rooms_benchmark_smoke_measures_every_room():
    """Two rooms, two seconds: every room is measured and stays live (no time asserted)."""
    from bench import bench_rooms

    res = bench_rooms.run(quick=True)
    assert res["many"]["rooms"] == 2 and len(res["many"]["per_room"]) == 2
    for ph in (res["baseline"], res["many"]):
        for p in ph["per_room"]:
            assert p["engine_cpu"] > 0 and p["engine_rss_mb"] > 0 and p["events_per_s"] > 0 and p["lost"] == 0
    assert res["fit_full_core"] >= res["fit_per_core"] >= 0
    assert "rooms that fit" in bench_rooms.report(res).lower()
