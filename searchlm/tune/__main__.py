"""``python -m searchlm.tune`` entry point (see `searchlm.tune.cli`)."""

from searchlm.tune.cli import app

app()
