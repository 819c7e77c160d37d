"""Service settings, read from the environment (prefix CALENDY_) and an optional .env file."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    """Every tunable of the service; see the README's configuration table."""

    model_config = SettingsConfigDict(env_prefix="CALENDY_", env_file=".env", extra="ignore", populate_by_name=True)

    llm_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("CALENDY_LLM_API_KEY", "OPENAI_API_KEY")
    )
    llm_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("CALENDY_LLM_BASE_URL", "OPENAI_BASE_URL")
    )
    llm_model: str = "gpt-4o"
    llm_timeout_s: float = Field(default=20.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    # Total wall-clock budget of one request's LLM work, retries and repair included.
    llm_request_budget_s: float = Field(default=45.0, gt=0)
    llm_repair_attempts: int = Field(default=1, ge=0, le=3)
    llm_include_exemplars: bool = True
    # With a fine-tuned model active (`calendy models use`), keep the exemplars in the prompt?
    finetuned_exemplars: bool = True
    # Serve the model chosen with `calendy models use` (stored in the database) instead of llm_model.
    llm_follow_active_model: bool = True
    # How often the service re-reads the active model (`calendy models use`) from the database.
    active_model_refresh_s: float = Field(default=10.0, ge=0)
    # Seconds between polls of a fine-tuning job (`calendy finetune start|status`).
    finetune_poll_s: float = Field(default=30.0, ge=0)
    # After this many consecutive LLM failures the circuit opens (503) for llm_circuit_reset_s.
    llm_circuit_failures: int = Field(default=5, ge=1)
    llm_circuit_reset_s: float = Field(default=30.0, gt=0)

    prompts_dir: Path = PROJECT_ROOT / "prompts"
    exemplars_dir: Path = PROJECT_ROOT / "exemplars"

    # How many record titles the prompt may carry (best fuzzy matches first; all categories always).
    # Requests with more records than this run the local engine in a worker thread.
    local_offload_records: int = Field(default=1000, ge=0)
    prompt_title_budget: int = Field(default=40, ge=1)
    confirm_threshold: int = Field(default=5, ge=0)
    # Request limits (422 invalid_request). The schema's contract maxima (api.md: a prompt of
    # 1000 characters, titles of 500) stay the ceilings; these settings can only tighten them.
    max_prompt_chars: int = Field(default=1000, ge=1, le=1000)
    max_records: int = Field(default=20000, ge=0)
    max_title_chars: int = Field(default=500, ge=1, le=500)
    # Memos of todos, schedules and summary plans (the schemas' ceiling: 10,000 characters).
    max_memo_chars: int = Field(default=2000, ge=1, le=10_000)
    max_body_bytes: int = Field(default=5_000_000, ge=1024)
    # Connections (`calendy serve`): idle after a response at most http_keep_alive_s; request
    # headers complete within http_header_timeout_s of the connection or the last response (a
    # connection that sends nothing is closed then); the whole body within http_body_timeout_s
    # of the headers (408 otherwise); at most http_limit_concurrency requests in flight per
    # worker (503 service_unavailable beyond, uvicorn's own limit a backstop above; 0 = no
    # limit); request heads of at most http_max_header_bytes (400). See docs/operations.md.
    http_keep_alive_s: int = Field(default=5, ge=1)
    http_header_timeout_s: float = Field(default=10.0, gt=0, le=60)
    http_body_timeout_s: float = Field(default=30.0, gt=0)
    http_limit_concurrency: int = Field(default=800, ge=0)
    http_max_header_bytes: int = Field(default=16_384, ge=1024)
    summary_max_chars: int = Field(default=500, ge=50)
    # What /v1/summary sends the model at most (plans nearest to `now` first), well inside its
    # context: 20,000 plans are ~1.2 MB, and a 400 for an oversized prompt helps nobody.
    summary_llm_max_plans: int = Field(default=200, ge=1)
    summary_llm_max_chars: int = Field(default=20_000, ge=1000)
    # Freeze start-up objects out of the garbage collector (tests that build many apps turn it off).
    gc_freeze: bool = True
    # The collector's thresholds in each worker (gc.set_threshold; Python's own are [700, 10, 10]).
    # None (tests) leaves them alone.
    gc_thresholds: tuple[int, int, int] | None = (10_000, 50, 10)
    # SQLite VM steps a dry run may take before it is stopped (stops recursive-CTE bombs).
    shadow_max_steps: int = Field(default=200_000, ge=1000)

    # The service's own database: a SQLite file under data_dir unless a URL is given
    # (postgresql://user:pass@host/db works as written; the async driver is filled in).
    data_dir: Path = Path("data")
    database_url: str | None = None
    # Apply pending migrations when the server (or a CLI command) starts.
    db_auto_migrate: bool = True
    db_pool_size: int = Field(default=10, ge=1)

    # API keys: required on /v1 unless explicitly disabled (the server then warns at start).
    auth_disabled: bool = False
    # How long a key lookup is cached in-process: a revoked key keeps working this long at most.
    key_cache_s: float = Field(default=30.0, ge=0)
    # Requests per minute and key (0 = unlimited); `database` is global across workers and hosts,
    # `memory` counts per worker process (the effective limit is then multiplied by the workers).
    rate_limit_per_minute: int = Field(default=60, ge=0)
    rate_limit_backend: Literal["database", "memory"] = "database"
    # How often a worker adds its admissions to the shared count (0 = an upsert on every request:
    # exact, but a database round trip per request). See app/ops/ratelimit_db.py.
    rate_limit_sync_s: float = Field(default=0.2, ge=0)

    # The request log: `store` keeps prompts, records and model replies; `redact` keeps a hash only.
    log_prompts: Literal["store", "redact"] = "store"
    log_flush_interval_s: float = Field(default=0.25, gt=0)
    log_batch_size: int = Field(default=500, ge=1)
    # Rows waiting for the writer; beyond this they are dropped (and counted in /metrics).
    log_queue_max: int = Field(default=100_000, ge=1)
    # Request-log rows older than this many days are deleted by the service (0 = kept forever),
    # checked at start and every log_retention_interval_s; `calendy logs prune` does it by hand.
    log_retention_days: int = Field(default=30, ge=0)
    log_retention_interval_s: float = Field(default=3600.0, gt=0)
    # A request body longer than this (as JSON) is logged without its records: their SHA-256,
    # size and counts stand in for them (prompt, now and the answer are always kept).
    log_max_body_chars: int = Field(default=50_000, ge=1000)
    # Rows a second (per worker) for requests refused 401: a flood of bad keys is counted in
    # /metrics, and only sampled into the log (0 = none logged).
    log_unauthenticated_per_s: float = Field(default=1.0, ge=0)
    # Process logs: one JSON object per line (`json`) or plain text (`text`).
    log_format: Literal["json", "text"] = "json"
    log_level: str = "INFO"

    # The Slack bot (POST /slack/events) exists only when both the signing secret and the bot token are set.
    slack_signing_secret: str | None = None
    slack_bot_token: str | None = None
    # Slack's Web API base URL (slack-sdk's base_url); a fake one in tests and docs/slack.md.
    slack_api_url: str = "https://slack.com/api/"
    # How long a change waiting for Confirm/Cancel can still be confirmed.
    slack_confirm_ttl_s: float = Field(default=600.0, gt=0)
    # A taken event not marked done after this long is re-taken by Slack's next retry (its worker died).
    # Longer than a command can take (LLM timeout and repair), shorter than Slack's 5-minute last retry.
    slack_event_reclaim_s: float = Field(default=120.0, gt=0)
    # How long a person's time zone from users.info is reused before it is asked again.
    slack_tz_cache_s: float = Field(default=3600.0, ge=0)
    # The time zone of a person whose Slack profile has none.
    slack_default_time_zone: str = "UTC"
    # The service's public base URL (https://calendy.example.com): Slack only links absolute URLs,
    # so the bot puts it before the guide's section links (/docs/guide/ko#undo) of a help answer.
    public_url: str | None = None

    @property
    def slack_configured(self) -> bool:
        """True when the Slack bot is mounted (a signing secret and a bot token are set)."""
        return bool(self.slack_signing_secret and self.slack_bot_token)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint can be called (a key, or a base URL of a keyless server)."""
        return bool(self.llm_api_key or self.llm_base_url)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests override this dependency instead of patching globals."""
    return Settings()
