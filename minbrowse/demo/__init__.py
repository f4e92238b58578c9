"""The `--demo` mode: an embedded SeaweedFS seeded with `demo-…` buckets. No textual."""

from minbrowse.demo.seed import BUCKETS, SeedReport, seed_demo
from minbrowse.demo.server import DemoSession, random_credentials, run_demo, start_demo

__all__ = ["BUCKETS", "DemoSession", "SeedReport", "random_credentials", "run_demo",
           "seed_demo", "start_demo"]
