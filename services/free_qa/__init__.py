"""free_qa: encyclopedia-grounded question answering with hybrid retrieval and citations."""
