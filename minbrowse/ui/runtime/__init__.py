"""Process-wide concerns of a running app: cyclic-GC tuning and the --debug log."""
