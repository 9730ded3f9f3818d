"""``python -m gateway``: the ``prakerja-gateway`` command, for where its script is not on PATH."""

from gateway.cli import main

raise SystemExit(main())
