"""Infrastructure the use cases share: bulk writing through the driver, SQL key helpers, CSV reading, conflict translation."""
