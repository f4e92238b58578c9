"""Plain values, messages and text helpers that every room of the UI shares (no network)."""
