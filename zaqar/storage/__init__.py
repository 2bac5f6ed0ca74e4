"""Storage: the abstract contract (base), its models and errors, and drivers."""
