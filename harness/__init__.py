"""The IGNY8 sync conformance harness."""

__version__ = "0.1.0"
