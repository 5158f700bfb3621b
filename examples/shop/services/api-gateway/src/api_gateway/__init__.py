"""api-gateway: the public HTTP entry point of the shop."""
