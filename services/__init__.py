"""The three searchlm gRPC services: null_query, review_summary, free_qa."""
