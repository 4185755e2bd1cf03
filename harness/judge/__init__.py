"""Judging what the system under test did: the checks by name, the end-to-end properties, the stateful
model, the fault catalogue, and what the backend should hold, derived from WordPress's own view."""
