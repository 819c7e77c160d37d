"""The Calendy client core: what the mobile client does, on a SQLite database of plans."""
