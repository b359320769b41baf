"""Qt table models fed with service DTOs (`set_rows`), one module per list the desktop shows.

They hold plain frozen dataclasses, never ORM rows, so they can be built and tested
without a window or a database.
"""
