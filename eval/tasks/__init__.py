"""One module per evaluation task; each exposes ``run(settings) -> TaskOutcome``."""
