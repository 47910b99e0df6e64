"""``python -m cffisock``: the command line (``cffisock.cli``)."""

import sys

from cffisock.cli import main

sys.exit(main())
