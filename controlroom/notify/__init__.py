"""Alert notifications to the outside world: chat robots and webhooks, grouped, rate-limited, escalated.

* :mod:`~controlroom.notify.item` — what is sent (:class:`NotifyItem`, one change of an
  episode) and the adapter from today's alert transitions;
* :mod:`~controlroom.notify.formats` — WeCom, DingTalk, Feishu, Slack and plain JSON
  payloads, signatures, size limits, reply codes;
* :mod:`~controlroom.notify.routing` — Alertmanager-style groups per room and level;
* :mod:`~controlroom.notify.limits` — per-robot rate limits;
* :mod:`~controlroom.notify.sender` — one HTTP worker thread per target, retries, status;
* :mod:`~controlroom.notify.escalation` — unacknowledged critical → on-call target;
* :mod:`~controlroom.notify.dispatch` — the :class:`Notifier` tying them together;
* :mod:`~controlroom.notify.desktop` — freedesktop notifications over D-Bus (the desk's
  channels, :mod:`ui.desk.channels`, send them).

The core thread only calls :meth:`Notifier.submit` (a queue append).  See
``docs/notifications.md`` for each format's payload.
"""
from __future__ import annotations

import time
from typing import Any, Iterable

from controlroom.notify.dispatch import Notice, Notifier
from controlroom.notify.formats import FORMATS, Outcome, TargetConfig, get_format
from controlroom.notify.item import NOTIFY_LEVELS, Message, NotifyItem, Section, items_from_transitions
from controlroom.notify.sender import TargetStatus, http_post

__all__ = ["Notifier", "Notice", "NotifyItem", "Message", "Section", "TargetConfig", "TargetStatus", "Outcome",
           "FORMATS", "NOTIFY_LEVELS", "items_from_transitions", "target_from_dict", "notifier_from_config",
           "notifier_from_settings", "reconfigure_from_settings", "send_test", "webhook_levels"]


def target_from_dict(d: dict, index: int = 0) -> TargetConfig:
    """A :class:`TargetConfig` from one ``[[notify.webhooks]]`` table (checked by the settings)."""
    url = d.get("url")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ValueError(f"webhook url must start with http:// or https://, got {url!r}")
    fmt = d.get("format", "json")
    get_format(fmt)
    kw: dict[str, Any] = {k: d[k] for k in ("secret", "keyword", "msgtype", "oncall_only") if d.get(k) is not None}
    for k in ("levels", "states"):
        if d.get(k) is not None:
            kw[k] = tuple(d[k])
    return TargetConfig(name=d.get("name") or f"webhook{index + 1}", format=fmt, url=url,
                        headers=tuple(sorted((d.get("headers") or {}).items())), **kw)


def webhook_levels(ns: Any) -> tuple[str, ...]:
    """The levels whose channels (``notify.<level>_channels``) include webhooks."""
    return tuple(lv for lv in NOTIFY_LEVELS if "webhook" in getattr(ns, f"{lv}_channels", ("webhook",)))


def notifier_from_config(hooks: list[dict] | None, *, room: str = "", timeout_s: float = 3.0, retries: int = 2,
                         **kw: Any) -> Notifier:
    """A notifier from the settings' list of webhook tables (``kw``: :class:`Notifier` options)."""
    return Notifier([target_from_dict(h, i) for i, h in enumerate(hooks or [])], room=room, timeout_s=timeout_s,
                    retries=retries, **kw)


def notifier_from_settings(ns: Any, *, room: str = "", **kw: Any) -> Notifier:
    """A notifier from a :class:`~controlroom.settings.NotifySettings` section."""
    opts = dict(group_wait_s=ns.group_wait_s, group_interval_s=ns.group_interval_s,
                repeat_interval_s=ns.repeat_interval_s, escalate_after_s=ns.escalate_after_min * 60.0,
                escalate_to=tuple(ns.escalate_to), levels=webhook_levels(ns))
    opts.update(kw)
    return notifier_from_config([dict(h) for h in ns.webhooks], room=room, timeout_s=ns.timeout_s,
                                retries=ns.retries, **opts)


def reconfigure_from_settings(notifier: Notifier, ns: Any) -> None:
    """Apply a changed :class:`~controlroom.settings.NotifySettings` to a running notifier (levels, timings)."""
    notifier.reconfigure(levels=webhook_levels(ns), group_wait_s=ns.group_wait_s,
                         group_interval_s=ns.group_interval_s, repeat_interval_s=ns.repeat_interval_s,
                         escalate_after_s=ns.escalate_after_min * 60.0, escalate_to=tuple(ns.escalate_to))


def send_test(target: TargetConfig, *, room: str = "test", timeout_s: float = 5.0,
              wall: float | None = None) -> Outcome:
    """Post one test message to ``target`` now (synchronously) and say how the robot answered."""
    import urllib.error

    import orjson

    fmt = get_format(target.format)
    msg = Message([Section(room, "critical", [], [])], test=True)
    url, body = fmt.build(msg, target, time.time() if wall is None else wall)
    headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": "controlroom-notify/2",
               **dict(target.headers)}
    try:
        status, reply, retry_after = http_post(url, orjson.dumps(body), headers, timeout_s)
    except (urllib.error.URLError, OSError, ValueError) as e:
        return Outcome("retry", str(getattr(e, "reason", e))[:200] or type(e).__name__)
    return fmt.check(status, reply, retry_after)


def targets_of(hooks: Iterable[dict]) -> list[TargetConfig]:
    """Every configured target, in order."""
    return [target_from_dict(h, i) for i, h in enumerate(hooks)]
