"""Research code of the extractive reader: data split, training and held-out evaluation.

Run as ``python -m searchlm.reader {train,export,evaluate}``. The runtime modules
(``searchlm.reader.types``, ``features``, ``decode``, ``modeling``, ``reader``) never import
this package, so a service that reads answers loads none of it.
"""
