"""The web playground's static files (served by app/api/playground_routes.py)."""
