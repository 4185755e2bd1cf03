"""The lowest layer: what every other layer may use. Reading YAML, masking secrets, and the one line of progress a step prints."""
