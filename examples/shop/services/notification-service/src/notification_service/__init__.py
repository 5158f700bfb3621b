"""notification-service: turns notification.requested events into messages."""
