"""Writing and reading run folders: results.json, report.md, PNG plots, comparisons."""
