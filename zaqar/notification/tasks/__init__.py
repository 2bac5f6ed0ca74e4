"""One module per subscriber scheme: how a delivery reaches its subscriber."""
