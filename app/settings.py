"""Service settings, read from the environment (prefix CALENDY_) and an optional .env file."""

from functools import lru_cache
from pathlib import Path

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
    # After this many consecutive LLM failures the circuit opens (503) for llm_circuit_reset_s.
    llm_circuit_failures: int = Field(default=5, ge=1)
    llm_circuit_reset_s: float = Field(default=30.0, gt=0)

    prompts_dir: Path = PROJECT_ROOT / "prompts"
    exemplars_dir: Path = PROJECT_ROOT / "exemplars"

    # How many record titles the prompt may carry (best fuzzy matches first; all categories always).
    prompt_title_budget: int = Field(default=40, ge=1)
    confirm_threshold: int = Field(default=5, ge=0)
    max_prompt_chars: int = Field(default=1000, ge=1)
    max_records: int = Field(default=20000, ge=0)
    max_title_chars: int = Field(default=500, ge=1)
    max_body_bytes: int = Field(default=5_000_000, ge=1024)
    summary_max_chars: int = Field(default=500, ge=50)
    # SQLite VM steps a dry run may take before it is stopped (stops recursive-CTE bombs).
    shadow_max_steps: int = Field(default=200_000, ge=1000)

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint can be called (a key, or a base URL of a keyless server)."""
        return bool(self.llm_api_key or self.llm_base_url)


@lru_cache
def get_settings() -> Settings:
    """The process's settings; tests override this dependency instead of patching globals."""
    return Settings()
