"""The multi-room overview: several rooms' headlines side by side, one click into a room (issue 14)."""
