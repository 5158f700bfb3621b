"""order-service: accepts, prices and tracks orders."""
