"""The capability table `minbrowse --probe` prints: the endpoint, then one row per bucket."""

from __future__ import annotations

from typing import Any, Callable, Iterable

from .probe import FEATURE_NAMES, BucketCapabilities, EndpointCapabilities, FeatureState

_MARK = {FeatureState.ON: "on", FeatureState.OFF: "off", FeatureState.UNSUPPORTED: "n/s",
         FeatureState.DENIED: "denied", FeatureState.ERROR: "ERR"}


def endpoint_lines(endpoint: EndpointCapabilities) -> list[str]:
    lines = [f"endpoint: {endpoint.endpoint}",
             f"server:   {endpoint.kind.kind} ({endpoint.kind.evidence})"]
    if endpoint.can_list_buckets:
        lines.append("buckets:  may be listed")
    else:
        lines.append(f"buckets:  cannot be listed ({endpoint.list_error})")
    return lines


def bucket_table(rows: Iterable[BucketCapabilities], escape: Callable[[str], str]) -> list[str]:
    """One line per bucket, a column per feature; then every error and non-obvious state."""
    rows = list(rows)
    if not rows:
        return ["(no buckets)"]
    width = max(12, *(len(escape(r.bucket)) for r in rows))
    head = f"{'bucket':<{width}}  " + "  ".join(f"{n:>12}" for n in FEATURE_NAMES)
    lines = [head, "-" * len(head)]
    notes: list[str] = []
    for row in rows:
        cells = []
        for name in FEATURE_NAMES:
            feature = row.feature(name)
            cells.append(f"{_MARK[feature.state] if feature else '-':>12}")
            if feature and feature.state in (FeatureState.ERROR, FeatureState.UNSUPPORTED):
                notes.append(f"  {escape(row.bucket)} {name}: {feature.reason}"
                             f"{' (' + feature.detail + ')' if feature.state is FeatureState.UNSUPPORTED else ''}")
        lines.append(f"{escape(row.bucket):<{width}}  " + "  ".join(cells))
    legend = "on / off (not enabled on the bucket) / n/s (not supported by the server) / " \
             "denied (no permission) / ERR (the server's error, below)"
    return lines + [legend] + notes


def run_probe(client: Any, endpoint: str, out: Callable[[str], Any],
              escape: Callable[[str], str], max_buckets: int = 50) -> int:
    """Print the table; 0 when the endpoint answered, 1 when it could not be reached."""
    from .probe import probe_bucket, probe_endpoint

    try:
        found = probe_endpoint(client, endpoint)
    except Exception as exc:  # noqa: BLE001 - unreachable: say why, exit 1
        out(f"endpoint: {endpoint}")
        out(f"unreachable: {type(exc).__name__}: {exc}"[:300])
        return 1
    for line in endpoint_lines(found):
        out(line)
    if not found.can_list_buckets:
        return 0
    try:
        buckets = [b.name for b in client.list_buckets()][:max_buckets]
    except Exception as exc:  # noqa: BLE001
        out(f"listing buckets failed: {exc}"[:300])
        return 0
    out("")
    for line in bucket_table((probe_bucket(client, b) for b in buckets), escape):
        out(line)
    return 0
