"""AI change-management communication toolkit: the pure-Python core (never imports Streamlit)."""

__version__ = "0.1.0"

LANGUAGES = ("en", "nl", "sv")
