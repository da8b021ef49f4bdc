"""Check of the what-if estimates against the demo shop's books: ``python -m bench.check_whatif``.

For each scenario and seed: the demo show runs once with the session settings A (the
defaults) and is logged (closed loop: the engine's freezes applied to the shop; confirm tiers
after 15 s); the review's what-if replays that log with settings B and estimates how lost
and oversold units change; then the same show (same seed) runs again with B, and its books
say what really changed.  Prints estimate, range and truth.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

CASES = [("evening-show", 3), ("evening-show", 5), ("flash-sale", 3)]
UNTIL_S = 3600.0


def other_settings():
    from controlroom.settings import Settings

    s = Settings()
    return s.with_changes({f"tiers.{t}.auto_freeze": "auto" for t in s.tiers} |
                          {f"tiers.{t}.safety_margin": 2.0 for t in s.tiers})


def check(scenario: str, seed: int, until_s: float = UNTIL_S) -> dict:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from controlroom.review.whatif import WhatIf
    from controlroom.settings import Settings
    from tests.test_review_demo import write_demo_session

    tmp = Path(tempfile.mkdtemp(prefix="whatif-check-"))
    a = write_demo_session(tmp / "a.sqlite", scenario=scenario, seed=seed, until_s=until_s, settings=Settings())
    other = other_settings()
    res = WhatIf(str(tmp / "a.sqlite")).run(other, "B")
    b = write_demo_session(tmp / "b.sqlite", scenario=scenario, seed=seed, until_s=until_s, settings=other)
    t = res.totals()
    lost_a, lost_b = sum(a.books.lost.values()), sum(b.books.lost.values())
    over_a, over_b = sum(a.books.oversold.values()), sum(b.books.oversold.values())
    return {"scenario": scenario, "seed": seed, "estimates": len(res.estimates),
            "lost_est": round(t["lost_units"], 1), "lost_range": (round(t["lost_low"], 1), round(t["lost_high"], 1)),
            "lost_true": round(lost_b - lost_a, 1),
            "oversold_est": round(t["oversold_units"], 1),
            "oversold_range": (round(t["oversold_low"], 1), round(t["oversold_high"], 1)),
            "oversold_true": over_b - over_a}


def main() -> int:
    for sc, seed in CASES:
        r = check(sc, seed)
        print(f"{sc} seed {seed}: {r['estimates']} SKUs with another freeze | lost units change: estimate "
              f"{r['lost_est']:+} (range {r['lost_range'][0]:+} … {r['lost_range'][1]:+}), true {r['lost_true']:+} | "
              f"oversold change: estimate {r['oversold_est']:+} (range {r['oversold_range'][0]:+} … "
              f"{r['oversold_range'][1]:+}), true {r['oversold_true']:+}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
