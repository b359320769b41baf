"""After a liability order: attachment of earnings, benefit deductions, enforcement agents and further remedies."""
