"""The PySide6 desktop.

Widgets talk to the service facade `app.application.Application` only (never to the ORM or the
database), and anything slow goes through `app.ui.workers.TaskRunner`, so the window
never freezes and the same use cases serve the desktop, the CLI and the tests.
"""
