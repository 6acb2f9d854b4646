"""Adapters of the review_summary service: Kiwi splitting, e5 embeddings, NLI scorers."""
