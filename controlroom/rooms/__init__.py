"""Many rooms on one screen: the room list (rooms.toml), each room's headline, and the watch that polls them.

No Qt here: the front end (``ui/rooms``) shows :class:`~controlroom.rooms.watch.RoomsWatch`'s
headlines in a model/view table and calls :meth:`~controlroom.rooms.watch.RoomsWatch.poll`
on its GUI timer.
"""
