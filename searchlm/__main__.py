"""`python -m searchlm ...` runs the human CLI."""

from searchlm.cli import app

app()
