"""Embedded local servers: a private SeaweedFS S3 server for `--demo` and the tests."""

from minbrowse.embedded.seaweedfs import (
    SeaweedNotFoundError,
    SeaweedServer,
    SeaweedStartError,
    find_weed_binary,
)

__all__ = ["SeaweedNotFoundError", "SeaweedServer", "SeaweedStartError", "find_weed_binary"]
