"""One module per page; each reads its widgets, calls the core and draws the result."""
