"""searchlm: shared library of the searchlm suite.

Holds what every process shares: domain errors, the model-server client (`searchlm.lm`),
the gRPC server bootstrap and interceptors (`searchlm.serving`), and the generated protobuf
code (`searchlm.<area>.v1`, made by `make protos`, never edited by hand).
"""

__version__ = "0.1.0"
