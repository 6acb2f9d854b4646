"""Pure metric functions: no I/O, no grpc, no model loading beyond Kiwi."""
