"""Liability and bills: annual billing, rebilling after a change, the liability changes
themselves and the settings each year was billed with."""
