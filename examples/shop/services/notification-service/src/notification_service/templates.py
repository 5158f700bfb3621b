"""Message templates (string.Template, so a template can never run code) and channel rules."""
from __future__ import annotations

from string import Template

SMS_LIMIT = 160
TEMPLATES = {
    "order_confirmation": ("Your order $order_id", "Thank you! We received your order $order_id ($total)."),
    "payment_receipt": ("Payment received for $order_id", "We charged $total for order $order_id."),
    "password_reset": ("Reset your password", "Use this link within 30 minutes: $reset_url"),
}


class RenderError(ValueError):
    pass


def render(template: str, channel: str, data: dict) -> dict:
    """{"subject", "body"} for e-mail, {"body"} for SMS (at most 160 characters, cut with an ellipsis)."""
    if template not in TEMPLATES:
        raise RenderError(f"unknown template {template!r}")
    subject, body = TEMPLATES[template]
    try:
        subject, body = Template(subject).substitute(data), Template(body).substitute(data)
    except KeyError as missing:
        raise RenderError(f"{template} needs {missing.args[0]!r} in data") from None
    if channel == "sms":
        text = f"{subject}: {body}"
        return {"body": text if len(text) <= SMS_LIMIT else text[: SMS_LIMIT - 1] + "…"}
    return {"subject": subject, "body": body}
