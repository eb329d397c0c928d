"""AI change-management communication toolkit: the pure-Python core (never imports Streamlit).

The languages it drafts in are `toolkit.models.LANGS`.
"""

__version__ = "0.1.0"
