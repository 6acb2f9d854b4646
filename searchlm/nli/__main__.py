"""``python -m searchlm.nli`` entry point."""

import sys

from searchlm.nli.cli import main

sys.exit(main())
