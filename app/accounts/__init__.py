"""Accounts as an officer finds and reads them: search, the account summary read model, the
debtor's details, and the property/account imports."""
