"""``python -m searchlm.reader`` entry point: the training commands (see `searchlm.reader.training`)."""

import sys

from searchlm.reader.training.cli import main

sys.exit(main())
