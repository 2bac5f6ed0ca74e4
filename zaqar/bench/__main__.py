"""Run zaqar-bench with ``python -m zaqar.bench``."""

import sys

from zaqar.bench.cli import main

sys.exit(main())
