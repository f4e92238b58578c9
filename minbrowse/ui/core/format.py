"""Humanized sizes and fixed-format times for the listing and panes (deterministic, UTC)."""

from __future__ import annotations

from datetime import datetime, timezone

import humanize


def human_size(size: int) -> str:
    return humanize.naturalsize(size, binary=True, format="%.1f")


def format_mtime(epoch: float) -> str:
    if epoch < 0:
        return ""
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%d %H:%M")


def format_expiry(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
