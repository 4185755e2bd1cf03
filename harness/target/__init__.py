"""What is under test, as its author declares it: the backend the suite talks to (a stack, or one the
harness does not start), the plugin's manifest, and the backend's observer file."""
