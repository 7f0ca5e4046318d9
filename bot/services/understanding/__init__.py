"""Understanding typed messages: the reader and its word lists."""
