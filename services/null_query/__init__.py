"""null_query: rewrites zero-result queries (Korean-aware rules + few-shot LM), every rewrite
verified against the search index."""
