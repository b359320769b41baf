"""Infrastructure the use cases share: bulk writing through the driver, SQL key helpers, CSV reading, the
run record every file import keeps, conflict translation."""
