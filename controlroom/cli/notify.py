"""``controlroom notify``: list the configured notification targets, send a test message to one.

``controlroom notify test TARGET --config show.toml`` posts one test message to the
target (a ``[[notify.webhooks]]`` table's ``name``) right now and prints what the
robot answered: ``ok``, or the configuration error (signature, keyword, address),
rate limit or network error, with the secrets masked.  Exit code 0 when the robot
accepted it, 1 when not, 2 for a usage error.
"""
from __future__ import annotations

import argparse
import sys

from controlroom.notify import send_test, targets_of
from controlroom.notify.formats import Outcome
from controlroom.settings import SettingsError, load_settings
from controlroom.settings.secrets import mask_url

EXPLAIN = {"ok": "accepted", "config": "configuration error (fix the settings)",
           "rate": "rate limited (try again later)", "retry": "not reached (network error or server error)",
           "fail": "refused"}


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="controlroom notify", description="notification targets (chat robots, webhooks)")
    sub = ap.add_subparsers(dest="cmd", metavar="COMMAND", required=True)
    for name, help_ in (("list", "list the configured targets"), ("test", "send a test message to one target")):
        p = sub.add_parser(name, help=help_)
        if name == "test":
            p.add_argument("target", metavar="TARGET", help="the target's name (notify.webhooks[].name)")
            p.add_argument("--timeout", type=float, default=5.0, help="seconds to wait for the robot (default 5)")
        p.add_argument("--config", default=None, metavar="TOML", help="settings file (see docs/settings.md)")
        p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override one setting")
    return ap


def describe(outcome: Outcome) -> str:
    """One line for a test's outcome."""
    text = EXPLAIN.get(outcome.kind, outcome.kind)
    return text + (f": {outcome.detail}" if outcome.detail and not outcome.ok else "")


def main(argv: list[str] | None = None) -> int:
    """Run ``controlroom notify ...``; returns the exit code."""
    args = _parser().parse_args(argv)
    from controlroom.live.wiring import parse_overrides

    try:
        settings = load_settings(args.config, parse_overrides(args.set))
        targets = targets_of(settings.notify.webhooks)
    except (SettingsError, ValueError) as e:
        print(f"controlroom notify: {e}", file=sys.stderr)
        return 2
    except FileNotFoundError as e:
        print(f"controlroom notify: settings file not found: {e.filename}", file=sys.stderr)
        return 2
    if args.cmd == "list":
        if not targets:
            print("no notification targets configured ([[notify.webhooks]] in the settings file)")
        for t in targets:
            role = "on-call only" if t.oncall_only else "levels " + ", ".join(t.levels)
            print(f"{t.name}\t{t.format}\t{mask_url(t.url)}\t{role}")
        return 0
    by_name = {t.name: t for t in targets}
    target = by_name.get(args.target)
    if target is None:
        known = ", ".join(by_name) or "none configured"
        print(f"controlroom notify: no target called {args.target!r} (known: {known})", file=sys.stderr)
        return 2
    out = send_test(target, timeout_s=args.timeout)
    print(f"{target.name} ({target.format}, {mask_url(target.url)}): {describe(out)}")
    return 0 if out.ok else 1


if __name__ == "__main__":
    sys.exit(main())
