"""Configuration editors of the ops console (one modal screen per configuration)."""
