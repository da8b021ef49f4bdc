"""Masking credentials: what a settings value looks like wherever it leaves memory.

A WeCom robot's ``key=``, a DingTalk robot's ``access_token=``, a Slack or Feishu hook's
token in the URL path, a password in the URL, an ``Authorization`` header: each is a
credential.  A setting that holds one is declared with ``setting(..., secret=<masker>)``
(see :mod:`controlroom.settings.sections`); :meth:`controlroom.settings.Settings.to_dict`
masks it, and with it the session log, ``tune``'s written settings, error messages and
every display.  The :class:`~controlroom.settings.Settings` object in memory keeps the real
value for use.  Masking is idempotent: a masked value masks to itself.
"""
from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit, urlunsplit

__all__ = ["MASK", "is_masked", "mask_text", "mask_url", "mask_headers", "mask_webhooks"]

MASK = "••••"
# A path segment that looks like a token (Slack's, Feishu's, Discord's hook paths): long and
# mixing letters with digits, or simply very long.
_TOKENISH = re.compile(r"^(?=.*[0-9])(?=.*[A-Za-z])[A-Za-z0-9_\-.~]{16,}$|^.{32,}$")


def is_masked(value: Any) -> bool:
    """True if ``value`` (a string, or a structure of strings) holds :data:`MASK`."""
    if isinstance(value, str):
        return MASK in value
    if isinstance(value, dict):
        return any(is_masked(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return any(is_masked(v) for v in value)
    return False


def mask_text(value: Any) -> str:
    """A whole secret value (a signing secret, a password): nothing of it is shown (unset stays unset)."""
    return value if value is None or value == "" else MASK


def mask_url(url: Any) -> Any:
    """``url`` with its credentials masked: every query value, a password, token-like path segments.

    ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc`` ->
    ``https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=••••``.  Scheme, host and the
    plain parts of the path stay readable so a reader can tell which hook it is.
    """
    if not isinstance(url, str):
        return url
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port
    except ValueError:  # not a URL we can take apart: show nothing of it
        return MASK
    netloc = host + (f":{port}" if port is not None else "")
    if parts.username is not None or parts.password is not None:
        netloc = f"{MASK}@{netloc}"
    path = "/".join(MASK if _TOKENISH.match(seg) else seg for seg in parts.path.split("/"))
    query = "&".join(f"{p.split('=', 1)[0]}={MASK}" if "=" in p else MASK
                     for p in parts.query.split("&") if p) if parts.query else ""
    return urlunsplit((parts.scheme, netloc, path, query, MASK if parts.fragment else ""))


def mask_headers(headers: Any) -> Any:
    """Header names kept, every value masked (headers are set for authentication)."""
    if not isinstance(headers, dict):
        return headers
    return {k: MASK for k in headers}


def mask_webhooks(hooks: Any) -> Any:
    """``notify.webhooks`` (a list of tables) with each URL, header value and signing secret masked."""
    if not isinstance(hooks, (list, tuple)):
        return hooks
    out = []
    for h in hooks:
        if isinstance(h, dict):
            h = dict(h)
            if "url" in h:
                h["url"] = mask_url(h["url"])
            if "headers" in h:
                h["headers"] = mask_headers(h["headers"])
            if h.get("secret"):  # a robot's signing secret (DingTalk, Feishu)
                h["secret"] = MASK
        out.append(h)
    return out
