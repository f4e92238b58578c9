"""minbrowse's bulk engine as a process of its own, for the bulk benchmark (as the peers run).

    python -m tests.bench.bulk_ours ENDPOINT upload   DIR BUCKET PREFIX
    python -m tests.bench.bulk_ours ENDPOINT download BUCKET PREFIX DIR
    python -m tests.bench.bulk_ours ENDPOINT copy     BUCKET SRC_PREFIX DST_PREFIX
    python -m tests.bench.bulk_ours ENDPOINT delete   BUCKET PREFIX

Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY as for the peers; every call
uses the engine's defaults. Exit 0 only when every object was transferred; `--rss` prints the
process's peak RSS (VmHWM, KiB) on stderr at the end. Started fresh per run, so Python's start-up and
imports are in the timing, as the peers' start-up is in theirs.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str]) -> int:
    show_rss = "--rss" in argv
    args = [a for a in argv if a != "--rss"]
    endpoint, op, *rest = args
    from minbrowse.s3 import Client
    from minbrowse.transfer import copy_prefix, delete_prefix, download_prefix, upload_dir

    if os.environ.get("BENCH_OURS_DEBUG"):  # the limit's moves on stderr
        import logging

        logging.basicConfig(level=logging.DEBUG, format="%(relativeCreated)6.0f %(message)s")
        logging.getLogger("urllib3").setLevel(logging.WARNING)
    if os.environ.get("BENCH_OURS_NO_HTTP11"):  # the A/B of issue 18: urllib3 for every reply
        from minbrowse.s3 import transport

        def via_urllib3(self, method, url, headers, body, read_timeout):  # type: ignore[no-untyped-def]
            return self._urlopen(method, url, headers, body, read_timeout)

        transport.Transport._exchange = via_urllib3
    tuning = {}
    if os.environ.get("BENCH_OURS_CONCURRENCY"):  # for choosing the defaults; unset in the bench
        tuning["concurrency"] = int(os.environ["BENCH_OURS_CONCURRENCY"])
    client = Client(endpoint, os.environ["AWS_ACCESS_KEY_ID"],
                    os.environ["AWS_SECRET_ACCESS_KEY"], secure=False, region="us-east-1")
    if op == "upload":
        src, bucket, prefix = rest
        up = upload_dir(client, src, bucket, prefix, **tuning)
        ok, count = not up.failed and not up.cancelled, len(up.uploaded)
    elif op == "download":
        bucket, prefix, dest = rest
        down = download_prefix(client, bucket, prefix, dest, **tuning)
        ok, count = not down.failed and not down.cancelled, len(down.downloaded)
    elif op == "copy":
        bucket, src, dst = rest
        bulk = copy_prefix(client, bucket, src, bucket, dst, **tuning)
        ok, count = bulk.ok, bulk.done
    elif op == "delete":
        bucket, prefix = rest
        bulk = delete_prefix(client, bucket, prefix, **tuning)
        ok, count = bulk.ok, bulk.done
    else:
        print(f"unknown operation {op!r}", file=sys.stderr)
        return 2
    print(f"{op}: {count} objects", file=sys.stderr)
    if show_rss:
        from tests.bench.bulk_tools import peak_rss_kib

        print(f"peak_rss_kib={peak_rss_kib()}", file=sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
