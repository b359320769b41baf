"""Pure statutory and policy calculators: no database, no Qt, no I/O, no clock."""
