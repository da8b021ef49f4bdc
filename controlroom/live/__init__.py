"""A live show: the core thread (:mod:`~controlroom.live.session`), the desk's core process
(:mod:`~controlroom.live.process`), the immutable view snapshot and its builder, per-SKU chart
histories, garbage-collection pacing, and the wiring of a session from settings, keys and log."""
