"""The operator desk: the main window and its parts (header, SKU table, charts, alerts, actions)."""
