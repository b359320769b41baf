"""The magistrates' court: hearing lists and the outcomes recorded there."""
