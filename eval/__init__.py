"""Offline evaluation of the searchlm suite: ``python -m eval --help``.

The package is layered like the rest of the project: ``eval.types`` and
``eval.metrics`` are pure (standard library, numpy, rouge-score, Kiwi); tasks
combine data, predictions and metrics; ``eval.report`` writes a run folder;
``eval.cli`` wires it all to typer. Nothing here imports grpc or a servicer.
"""
