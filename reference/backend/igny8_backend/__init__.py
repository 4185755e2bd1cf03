"""The IGNY8 reference backend: the executable meaning of spec/ on the backend side."""

__version__ = "1.0.0"
