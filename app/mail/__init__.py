"""Email: the daily digest of notices over SMTP, and each person's choice of what reaches them by email."""
