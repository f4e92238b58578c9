"""Widgets of the browser: tree, listing, detail pane, status bar (no network access)."""
