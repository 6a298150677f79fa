"""``python -m sandbox.insurance``: the sandbox insurance platform on its own port and SQLite file (``--help``)."""
import sys

from sandbox.insurance.server import main

sys.exit(main())
