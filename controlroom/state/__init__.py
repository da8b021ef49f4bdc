"""What every screen sees of a room: the immutable view types (:mod:`~controlroom.state.view`)."""
