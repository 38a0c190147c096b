"""problem layer."""
