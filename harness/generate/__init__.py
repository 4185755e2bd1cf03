"""What the suite sends and builds: structure payloads, Hypothesis strategies, site profiles, and how hard the property tests try."""
