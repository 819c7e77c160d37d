# The Calendy Manager service image (used by docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, so a code change does not reinstall them (asyncpg ships manylinux wheels:
# no compiler needed).
COPY pyproject.toml README.md ./
RUN mkdir app && touch app/__init__.py && pip install . && pip uninstall -y calendy-manager

# The source tree: prompts/, exemplars/ and alembic/ are read from it at run time (next to app/),
# so the project is installed in place (editable) rather than copied into site-packages.
COPY app ./app
COPY alembic ./alembic
COPY alembic.ini ./
COPY prompts ./prompts
COPY exemplars ./exemplars
RUN pip install --no-deps -e . \
    && useradd --system --uid 10001 --home-dir /app calendy \
    && mkdir -p /app/data && chown calendy /app/data

USER calendy
ENV CALENDY_DATA_DIR=/app/data
EXPOSE 8000

# Liveness of the process; docker-compose probes /readyz instead.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

# SIGTERM (docker stop) lets in-flight requests finish within --graceful-timeout.
STOPSIGNAL SIGTERM
CMD ["calendy", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
