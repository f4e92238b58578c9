"""minbrowse: a keyboard-driven terminal browser for S3-compatible object storage."""

__version__ = "0.1.0"
