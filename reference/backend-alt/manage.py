#!/usr/bin/env python3
"""Commands of the alternative IGNY8 backend (see igny8alt/commands.py)."""

import sys

from igny8alt.commands import main

if __name__ == "__main__":
    sys.exit(main())
