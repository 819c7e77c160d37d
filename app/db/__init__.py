"""The service's own database: models, engine, migrations and the queries on them."""
