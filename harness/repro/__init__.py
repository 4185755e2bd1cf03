"""Reproducing a failure: a recorded failing example replayed, and a field report (a structure or a diagnostics export) rebuilt as a site."""
