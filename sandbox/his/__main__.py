"""``python -m sandbox.his``: the sandbox HIS on its own port and SQLite file (``--help``)."""
import sys

from sandbox.his.server import main

sys.exit(main())
