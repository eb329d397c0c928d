"""Sign-in with the organisation's OpenID Connect provider (Streamlit's `st.login`), off unless configured.

Sign-in is on when `.streamlit/secrets.toml` has an `[auth]` section (see `.streamlit/secrets.toml.example`).
Then a visitor sees only the sign-in page until the provider has confirmed who they are, and the workspace is
opened for that user: versions record who saved them and private projects stay with their owner
(`toolkit.workspace`). An `[auth]` section with settings missing keeps the app closed rather than open.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

# What Streamlit needs to talk to the provider (the names only are ever shown, never a value).
REQUIRED = ("redirect_uri", "cookie_secret", "client_id", "client_secret", "server_metadata_url")
# The user a signed-out session would act as if a page ever ran before the sign-in page stopped it: it owns
# nothing, so it sees only shared projects. Never a real subject (those come from the provider).
SIGNED_OUT = "(signed out)"


def _section() -> dict | None:
    """The [auth] section of the secrets, or None when there is none (or no secrets file at all)."""
    try:
        section = st.secrets.get("auth")
    except Exception:  # no secrets.toml, or an unreadable one: sign-in stays off
        return None
    return dict(section) if section is not None else None


def enabled() -> bool:
    """Whether sign-in is switched on (an [auth] section exists in the secrets)."""
    return _section() is not None


def missing_settings() -> list[str]:
    """The settings the [auth] section still lacks (names only)."""
    section = _section() or {}
    return [name for name in REQUIRED if not section.get(name)]


def signed_in() -> bool:
    return bool(st.user.get("is_logged_in"))


def user_id() -> str | None:
    """Who the workspace is opened for: the signed-in user's e-mail address (else their subject), None when
    sign-in is off."""
    if not enabled():
        return None
    if not signed_in():
        return SIGNED_OUT
    return str(st.user.get("email") or st.user.get("sub") or SIGNED_OUT)


def display_name() -> str:
    """The signed-in user's name as the provider gives it, else their e-mail address or subject."""
    return str(st.user.get("name") or st.user.get("email") or st.user.get("sub") or "")


def gate(_: Callable[..., str]) -> None:
    """Run before anything else on every page. With sign-in on: a signed-out visitor gets the sign-in page
    and the run stops; a signed-in user sees their name and a sign-out button in the sidebar. With sign-in
    off: nothing happens."""
    if not enabled():
        return
    missing = missing_settings()
    if missing:
        st.error(_("Sign-in is switched on but not set up completely: {names} missing in the [auth] section of "
                   ".streamlit/secrets.toml. Ask whoever runs the toolkit to complete it.",
                   names=", ".join(missing)), icon=":material/lock:")
        st.stop()
    if not signed_in():
        _sign_in_page(_)
        st.stop()
    with st.sidebar:
        st.caption(_("Signed in as {name}", name=display_name()))
        st.button(_("Sign out"), on_click=st.logout, icon=":material/logout:", key="auth:sign_out")


def _sign_in_page(_: Callable[..., str]) -> None:
    st.title("AI Change Toolkit")
    st.markdown(_("Sign in with your work account to open the rollout projects."))
    st.button(_("Sign in"), type="primary", on_click=st.login, icon=":material/login:", key="auth:sign_in")
