"""auth-service: issues and verifies signed access tokens (HS256 JWTs)."""
