"""The pytest plugin: its hooks, its `igny8_` fixtures, what it knows of each test item, the evidence
tests keep, the plan, and the collector that hands the run's document to the outputs."""
