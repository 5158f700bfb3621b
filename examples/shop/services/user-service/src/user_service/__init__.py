"""user-service: registration and profiles."""
