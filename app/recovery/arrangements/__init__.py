"""Payment arrangements: planning, agreeing, amending and the daily monitoring run."""
