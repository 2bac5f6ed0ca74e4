"""The WebSocket transport: the v2 API over one socket per client, with push."""
