"""Research code of the NLI model: training, augmentation and held-out evaluation.

Run as ``python -m searchlm.nli {train,export,evaluate,verify-base}``. The runtime modules
(``searchlm.nli.types``, ``scorer``, ``modeling``, ``tokenizer``, ``e5_bin``, ``registry``)
never import this package, so a service that scores pairs loads none of it.
"""
