"""``python -m refresher RUN_DIR``: the refresher process, as :class:`refresher.process.RefresherProcess` starts it."""

import sys

from refresher.process import main

main(sys.argv[1])
