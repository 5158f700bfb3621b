"""payment-service: authorises payments for orders."""
