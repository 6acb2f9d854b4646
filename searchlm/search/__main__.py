"""`python -m searchlm.search`."""

from searchlm.search.cli import app

if __name__ == "__main__":
    app()
