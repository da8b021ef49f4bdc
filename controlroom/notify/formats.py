"""Payloads of the chat robots teams use, their signatures, size limits and reply codes.

One :class:`Format` per kind of target: WeCom (企业微信) group robot, DingTalk (钉钉)
custom robot (signed secret and keyword rule), Feishu / Lark (飞书) custom bot (own
signature), Slack-compatible incoming webhooks, and plain JSON.  ``build`` turns a
:class:`~controlroom.notify.item.Message` into the URL and JSON body to POST (signed
at send time, so a retry carries a fresh timestamp); ``check`` reads the reply — a
200 with an error code in its body is a failure like an HTTP error.  The exact
payloads are documented with examples in ``docs/notifications.md``.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from dataclasses import dataclass, field

import orjson

from controlroom.notify.item import Message, NotifyItem, Section

__all__ = ["TargetConfig", "Outcome", "Format", "FORMATS", "get_format", "dingtalk_sign", "feishu_sign",
           "LEVEL_LABELS", "item_line"]

FORMAT_NAMES = ("json", "wecom", "dingtalk", "feishu", "slack")

# Chinese first (the teams using these robots), the level's English name after it.
LEVEL_LABELS = {"watch": "关注 watch", "warning": "预警 warning", "critical": "紧急 critical",
                "lost_sales": "流失销量 losing sales", "feed": "数据流中断 feed trouble",
                "frozen_with_stock": "冻结但有货 frozen with stock"}
LEVEL_MARKS = {"watch": "🔵", "warning": "🟠", "critical": "🔴", "lost_sales": "🟣", "feed": "⚠️",
               "frozen_with_stock": "🧊"}


@dataclass(frozen=True)
class TargetConfig:
    """One notification target (a robot or webhook) as the settings describe it."""

    name: str
    format: str = "json"
    url: str = ""
    secret: str = ""  # DingTalk / Feishu signing secret (a credential)
    keyword: str = ""  # DingTalk / Feishu keyword rule: put into every message
    msgtype: str = "markdown"  # WeCom: markdown (<= 4096 bytes) or text (<= 2048 bytes)
    levels: tuple[str, ...] = ("critical", "lost_sales", "feed", "frozen_with_stock")
    states: tuple[str, ...] = ("firing", "resolved")
    headers: tuple[tuple[str, str], ...] = ()
    oncall_only: bool = False  # only for escalations (the team lead's robot), not routed normally
    tz_offset_h: float = 8.0  # clock shown in messages (China Standard Time by default)

    def wants(self, level: str, state: str) -> bool:
        """Whether this target is routed items of this level and state (acks always pass)."""
        if self.oncall_only or level not in self.levels:
            return False
        return state == "acked" or state in self.states


@dataclass(frozen=True)
class Outcome:
    """What a reply means: ok, config (fix the settings), rate (retry later), retry (transient), fail."""

    kind: str
    detail: str = ""
    retry_after_s: float | None = None

    @property
    def ok(self) -> bool:
        return self.kind == "ok"


# --- text of a message --------------------------------------------------------------------------

def _clock(ts: float, tz_offset_h: float) -> str:
    return time.strftime("%H:%M:%S", time.gmtime(ts + tz_offset_h * 3600))


def _num(x: float) -> str:
    return f"{x:.1f}" if abs(x) < 100 else f"{x:.0f}"


def item_line(it: NotifyItem) -> str:
    """One episode in one line: SKU, figures, the one-line reason."""
    who = it.sku or it.room
    if it.state == "resolved":
        return f"{who} 已恢复 resolved — {it.reason}"
    figs = []
    if it.available is not None:
        figs.append(f"库存 {it.available}")
    if it.rate_per_min is not None:
        figs.append(f"{_num(it.rate_per_min)} 件/分")
    if it.predicted_sellout_s is not None:
        s = it.predicted_sellout_s
        figs.append(f"约 {s:.0f} 秒售罄" if s < 120 else f"约 {s / 60:.0f} 分钟售罄")
    return f"{who} " + (" · ".join(figs) + " — " if figs else "— ") + it.reason


def section_title(sec: Section) -> str:
    """``🔴 紧急 critical · room demo · 2 firing`` (``✅`` when everything resolved)."""
    mark = "✅" if not sec.firing else LEVEL_MARKS.get(sec.level, "•")
    parts = [f"{mark} {LEVEL_LABELS.get(sec.level, sec.level)}", f"直播间 {sec.room}"]
    if sec.firing:
        parts.append(f"{len(sec.firing)} 条触发 firing")
    if sec.resolved:
        parts.append(f"{len(sec.resolved)} 条恢复 resolved")
    if sec.repeat:
        parts.append("仍未处理 still firing")
    return " · ".join(parts)


def headline(msg: Message, keyword: str = "") -> str:
    """The first line (and the notification preview): keyword, worst level, counts."""
    kw = f"【{keyword}】" if keyword else ""
    if msg.test:
        return f"{kw}🔔 controlroom 测试消息 test message"
    if len(msg.sections) == 1:
        return kw + section_title(msg.sections[0])
    n_f = sum(len(s.firing) for s in msg.sections)
    n_r = sum(len(s.resolved) for s in msg.sections)
    return f"{kw}controlroom · {n_f} 条触发 firing · {n_r} 条恢复 resolved"


@dataclass
class _Style:
    """How one chat tool marks up a heading, a section title, an item and a note."""

    head: str = "{}"
    title: str = "{}"
    item: str = "- {}"
    strike: str = "{}"
    note: str = "{}"
    sep: str = "\n"


STYLES = {
    "wecom": _Style(head="### {}", title="**{}**", item="> {}", note='<font color="comment">{}</font>'),
    "dingtalk": _Style(head="### {}", title="**{}**", item="- {}", note="> {}", sep="\n\n"),
    "slack": _Style(head="*{}*", title="*{}*", item="• {}", strike="~{}~", note="_{}_"),
    "text": _Style(),
}


def render_text(msg: Message, style: _Style, keyword: str = "", tz_offset_h: float = 8.0,
                sent_at: float | None = None) -> str:
    """The message as one chat text in ``style`` (headline, sections, +N more, footer)."""
    out = [style.head.format(headline(msg, keyword))]
    if msg.escalation:
        out.append(style.title.format(f"⏫ 升级 escalated: {msg.escalation}"))
    if msg.test:
        out.append("通道配置正确 this target is configured correctly.")
    for sec in msg.sections:
        if len(msg.sections) > 1:
            out.append(style.title.format(section_title(sec)))
        items = [style.item.format(item_line(it)) for it in sec.firing]
        items += [style.item.format(style.strike.format(item_line(it))) for it in sec.resolved]
        if items:
            out.append("\n".join(items))
    if msg.more:
        out.append(style.title.format(f"+{msg.more} more 另有 {msg.more} 条"))
    ts = sent_at if sent_at is not None else max((it.ts for s in msg.sections for it in s.firing + s.resolved),
                                                   default=None)
    out.append(style.note.format("controlroom" + (f" · {_clock(ts, tz_offset_h)}" if ts is not None else "")))
    return style.sep.join(out)


def fit(msg: Message, size_of, limit: int) -> Message:
    """``msg`` cut to at most ``limit`` bytes (``size_of(message)``), left-out episodes as "+N more".

    Firing episodes are kept before resolved ones, the order within each otherwise kept.
    """
    if size_of(msg) <= limit:
        return msg
    order = [(i, "firing", j) for i, s in enumerate(msg.sections) for j in range(len(s.firing))]
    order += [(i, "resolved", j) for i, s in enumerate(msg.sections) for j in range(len(s.resolved))]

    def keep(k: int) -> Message:
        chosen = set(order[:k])
        secs = []
        for i, s in enumerate(msg.sections):
            f = [it for j, it in enumerate(s.firing) if (i, "firing", j) in chosen]
            r = [it for j, it in enumerate(s.resolved) if (i, "resolved", j) in chosen]
            if f or r:
                secs.append(Section(s.room, s.level, f, r, s.repeat))
        if not secs and msg.sections:  # keep the first group's title even when no episode fits
            s = msg.sections[0]
            secs = [Section(s.room, s.level, [], [], s.repeat)]
        return Message(secs, more=msg.more + len(order) - k, escalation=msg.escalation, test=msg.test)

    lo, hi = 0, len(order)  # the largest k that fits: binary search
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if size_of(keep(mid)) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return keep(lo)


# --- signatures -----------------------------------------------------------------------------------

def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk: URL-encoded base64 of HMAC-SHA256(key=secret, msg="timestamp\\nsecret")."""
    mac = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(mac).decode())


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Feishu / Lark: base64 of HMAC-SHA256(key="timestamp\\nsecret", msg=empty)."""
    mac = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(mac).decode()


# --- formats --------------------------------------------------------------------------------------

def _status_outcome(status: int, retry_after: str | None) -> Outcome | None:
    """The outcome an HTTP status decides by itself (None: read the body)."""
    if status == 429:
        return Outcome("rate", "HTTP 429", _retry_after(retry_after))
    if status >= 500 or status == 408:
        return Outcome("retry", f"HTTP {status}")
    if status >= 400:
        return Outcome("config", f"HTTP {status}")
    return None


def _retry_after(v: str | None) -> float | None:
    try:
        return max(0.0, float(v)) if v is not None else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Format:
    """One kind of target: its payload, limits and reply codes."""

    name: str
    rate_windows: tuple[tuple[int, float], ...] = ()  # (posts, seconds) the robot accepts
    limit_bytes: int = 65536  # of the message text the robot shows
    code_key: str | None = None  # where the body's error code is ("errcode", "code")
    rate_codes: frozenset = frozenset()
    config_codes: frozenset = frozenset()
    busy_codes: frozenset = frozenset()
    limited_retry_s: float = 60.0  # wait after a rate-limit code without Retry-After
    extra: dict = field(default_factory=dict)

    def limit_for(self, target: TargetConfig) -> int:
        if self.name == "wecom" and target.msgtype == "text":
            return 2048
        return self.limit_bytes

    def text(self, msg: Message, target: TargetConfig, sent_at: float | None = None) -> str:
        """The message text as the chat tool shows it (before the JSON wrapping)."""
        style = STYLES["text"] if self.name in ("json", "feishu") or target.msgtype == "text" else STYLES[self.name]
        return render_text(msg, style, target.keyword, target.tz_offset_h, sent_at)

    def fitted(self, msg: Message, target: TargetConfig) -> Message:
        """``msg`` cut to the robot's size limit."""
        return fit(msg, lambda m: len(self.text(m, target).encode()), self.limit_for(target))

    def build(self, msg: Message, target: TargetConfig, wall: float) -> tuple[str, dict]:
        """(url, JSON body) of one post at wall-clock time ``wall`` (signed where needed)."""
        msg = self.fitted(msg, target)
        text = self.text(msg, target)
        title = headline(msg, target.keyword)
        url = target.url
        if self.name == "wecom":
            if target.msgtype == "text":
                return url, {"msgtype": "text", "text": {"content": text}}
            return url, {"msgtype": "markdown", "markdown": {"content": text}}
        if self.name == "dingtalk":
            if target.secret:
                ts = int(wall * 1000)
                url += ("&" if "?" in url else "?") + f"timestamp={ts}&sign={dingtalk_sign(target.secret, ts)}"
            return url, {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if self.name == "feishu":
            lines = text.split("\n")[1:]  # the headline is the post's title
            body: dict = {}
            if target.secret:
                ts = int(wall)
                body = {"timestamp": str(ts), "sign": feishu_sign(target.secret, ts)}
            body.update({"msg_type": "post", "content": {"post": {"zh_cn": {
                "title": title, "content": [[{"tag": "text", "text": ln}] for ln in lines if ln]}}}})
            return url, body
        if self.name == "slack":
            return url, {"text": text}
        return url, _json_body(msg, target)

    def check(self, status: int, body: bytes, retry_after: str | None = None) -> Outcome:
        """What the robot's reply means."""
        out = _status_outcome(status, retry_after)
        if out is not None:
            return out
        if self.code_key is None:
            if self.name == "slack" and body.strip() not in (b"", b"ok"):
                return Outcome("fail", body[:200].decode("utf-8", "replace"))
            return Outcome("ok")
        try:
            reply = orjson.loads(body) if body else {}
        except orjson.JSONDecodeError:
            return Outcome("fail", f"reply is not JSON: {body[:80]!r}")
        code = reply.get(self.code_key, reply.get("StatusCode", 0)) if isinstance(reply, dict) else 0
        if code in (0, None):
            return Outcome("ok")
        msg = str(reply.get("errmsg") or reply.get("msg") or reply.get("StatusMessage") or "")[:200]
        detail = f"{self.code_key} {code}: {msg}"
        if code in self.rate_codes:
            return Outcome("rate", detail, self.limited_retry_s)
        if code in self.busy_codes:
            return Outcome("retry", detail)
        if code in self.config_codes:
            return Outcome("config", detail)
        return Outcome("fail", detail)


def _json_body(msg: Message, target: TargetConfig) -> dict:
    """The plain JSON payload: every episode with its figures (for a gateway of your own)."""
    def ep(it: NotifyItem) -> dict:
        return {"id": it.id, "sku": it.sku, "level": it.level, "state": it.state, "reason": it.reason,
                "ts": it.ts, **it.figures}

    return {"source": "controlroom", "title": headline(msg, target.keyword), "test": msg.test,
            "escalation": msg.escalation, "more": msg.more,
            "groups": [{"room": s.room, "level": s.level, "repeat": s.repeat,
                        "firing": [ep(i) for i in s.firing], "resolved": [ep(i) for i in s.resolved]}
                       for s in msg.sections],
            "text": render_text(msg, STYLES["text"], target.keyword, target.tz_offset_h)}


FORMATS: dict[str, Format] = {
    "json": Format("json"),
    # 20 messages a minute per robot; markdown content <= 4096 bytes (text 2048).
    "wecom": Format("wecom", rate_windows=((20, 60.0),), limit_bytes=4096, code_key="errcode",
                    rate_codes=frozenset({45009}), busy_codes=frozenset({-1}),
                    config_codes=frozenset({93000, 93004, 40008, 40058, 44004, 45002})),
    # 20 messages a minute per robot (beyond that DingTalk throttles the robot for a while).
    "dingtalk": Format("dingtalk", rate_windows=((20, 60.0),), limit_bytes=20000, code_key="errcode",
                       rate_codes=frozenset({130101}), busy_codes=frozenset({-1}),
                       config_codes=frozenset({310000, 300001, 300005, 400101, 400102, 40035})),
    # 100 a minute and 5 a second; request body <= 20 KB.
    "feishu": Format("feishu", rate_windows=((100, 60.0), (5, 1.0)), limit_bytes=18000, code_key="code",
                     rate_codes=frozenset({11232, 9499}),
                     config_codes=frozenset({19001, 19002, 19021, 19022, 19024})),
    # Slack answers 429 with Retry-After; text up to 40k characters, 4000 keeps it readable.
    "slack": Format("slack", limit_bytes=4000),
}


def get_format(name: str) -> Format:
    """The :class:`Format` called ``name`` (ValueError for an unknown one)."""
    try:
        return FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown notification format {name!r} (known: {', '.join(FORMATS)})") from None
