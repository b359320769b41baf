"""Money in and out: posting payments, suspense, refunds and Direct Debit."""
