"""The ledger: the one owner of the rule that an account's balance is the sum of an
append-only ledger (design.md rule 4).

- `kinds`: what a ledger row may be (`LedgerKind`), the sign each kind must have, the kind
  groups the services ask about (cash received, charges), and the same rules as SQL for
  the database's CHECK constraints;
- `entries`: `LedgerEntry`, a typed row that cannot be built with a wrong sign;
- `posting`: the one way rows are written: `post` (ORM rows, for the handful an officer's
  action writes) and `LedgerRows` (driver-native tuples for `BulkWriter`, for batch runs,
  imports and demo data);
- `balances`: every balance read (an account's, a year's, per year for many accounts).

Nothing is imported here, so `app.models` can take the kinds without an import cycle.
"""
