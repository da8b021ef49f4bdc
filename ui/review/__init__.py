"""The review window: open a saved show and see where sales were lost, how early alerts came, what to change."""
