"""Socket-level helpers shared by every ZeroMQ client (the shop feed, the state stream): connection diagnosis."""
