"""Running the service for real users: request log, keys, limits, metrics, logs, health."""
