"""``python -m sandbox.credit``: the sandbox credit platform on its own port and SQLite file (``--help``)."""
import sys

from sandbox.server import credit_main

sys.exit(credit_main())
