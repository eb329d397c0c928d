"""Drafting: from a brief and the knowledge base to a checked `Draft`, in nl, sv or en.

Public contract (used by the CLI, the UI and the tests):

    draft(kind, brief, *, lang=None, variant=0, wave="before", retriever=None, chat_model=None) -> Draft
    regenerate_section(draft, brief, key, *, variant, retriever=None, chat_model=None) -> Draft
    answer_question(question, brief, *, lang, retriever=None, chat_model=None) -> FaqItem

`retriever` is anything with `search(query, lang=None, k=5) -> list[Hit]` (see toolkit.retrieval).
With `chat_model=None` the offline composer writes; with a LangChain chat model the model writes and the
composer takes over on time-outs and errors, with a notice in `Draft.notices`.
"""
