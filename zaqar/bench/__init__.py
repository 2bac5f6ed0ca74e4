"""zaqar-bench: a load generator for any server speaking the Zaqar v2 API."""
