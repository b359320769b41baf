"""The panes the left navigation switches between, and the pages inside them."""
