"""The host view (主播屏): a full-screen, read-only client of the engine's state stream.

Modules: :mod:`ui.host.state` (what to show, from a ViewSnapshot and the stream's health),
:mod:`ui.host.layout` (where, for any screen size), :mod:`ui.host.paint` (text fitting and
colours), :mod:`ui.host.banners` (sold out, frozen, connection lost),
:mod:`ui.host.prompt` (the operator's prompt), :mod:`ui.host.view` (the painted widget),
:mod:`ui.host.window` (the stream client and its refresh), :mod:`ui.host.app` (the
``controlroom host`` verb), :mod:`ui.host.desk` (the desk's View → Host screen and prompt
box), :mod:`ui.host.screenshot`.
"""
