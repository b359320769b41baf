"""Letters and stored documents: templates, rendering, issuing and exporting."""
