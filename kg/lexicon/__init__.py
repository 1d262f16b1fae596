"""General vocabulary of the field (data files read by kg.mentions, kg.resolve, kg.quality)."""
