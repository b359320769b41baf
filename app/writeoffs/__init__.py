"""Write-offs (issue 17): an officer proposes, someone whose limit in the scheme of
delegation covers the amount (never the proposer) approves or rejects, and approval posts a
`write_off` ledger row to the year and stops recovery for it; a write-back reverses that
row with a new one and recovery resumes. Reasons and limits are settings
(`[writeoffs]`, `app.rules.writeoffs`).

- `requests`: the typed requests (propose, decide, write back);
- `views`: `WriteOffView`, the list and the approvals queue;
- `proposing`, `deciding`, `writing_back`: the use cases;
- `stopped_years`: the account-years recovery leaves alone;
- `schedule`: the committee's workbook and its CSV twin.
"""
