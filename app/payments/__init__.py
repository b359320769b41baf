"""Money in and out: the payment file import, posting payments, suspense, refunds and Direct Debit."""
