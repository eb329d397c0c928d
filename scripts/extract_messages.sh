#!/usr/bin/env bash
# Extract the UI's translatable strings (calls of `_("...")`) into toolkit/locale/messages.pot
# (or into the file named by POT_FILE).
# Translators add the msgids to toolkit/locale/{nl,sv}/LC_MESSAGES/messages.po; tests/test_i18n.py fails
# while any msgid lacks a Dutch or Swedish translation.
set -euo pipefail
cd "$(dirname "$0")/.."
PYBABEL="${PYBABEL:-.venv/bin/pybabel}"
"$PYBABEL" extract --keywords=_ --keywords=n_:1,2 --no-default-keywords --sort-by-file --no-wrap \
    --project="AI Change Toolkit" --copyright-holder="AI Change Toolkit contributors" \
    --output-file="${POT_FILE:-toolkit/locale/messages.pot}" streamlit_app.py ui toolkit
