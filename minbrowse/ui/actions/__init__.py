"""The app's user actions and their registry: key bindings, palette commands, confirmations."""
