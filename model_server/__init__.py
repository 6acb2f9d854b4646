"""The shared LM model server: one model behind one engine, served over gRPC."""
