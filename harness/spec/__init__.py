"""The protocol as data: its requirements (spec/requirements.yaml), the kind of case a test is for
each, which tests name which, and NOT APPLICABLE carried as data."""
