"""Officers' case work: diary codes and worklists, notes, tracing and escalations."""
