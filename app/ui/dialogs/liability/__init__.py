"""The liability editor: one small dialog per liability change, each with a trial calculation.

The common form is `change_dialog`; the dialogs are grouped by what they change, and
`registry` says which one the account view opens for each change."""
