"""``python -m searchlm.nli`` entry point: the training commands (see `searchlm.nli.training`)."""

import sys

from searchlm.nli.training.cli import main

sys.exit(main())
