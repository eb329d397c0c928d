"""Survey results: the answers people gave, read honestly and shown without exposing anyone.

The rooms, in the order data flows:

    model.py        the data that crosses borders (answers, import report, summary); the JSON contract
    ingest/         files -> `Responses` (our response sheet, Microsoft Forms, Google Forms, Qualtrics, any CSV/XLSX)
    scoring.py      `Responses` -> per item / dimension / eNPS scores, response rate, changes between waves
    groups.py       one name per group across waves ("Team A" = "team a "), before anything is counted
    privacy.py      minimum group sizes, suppression (and the next-smallest rule), masking of comments
    themes.py       open answers -> themes with counts and masked quotes, suggested FAQ questions
    charts.py       Altair specifications (the app) rendered to PNG for Word (vl-convert)
    summary.py      the whole read of one or more waves: `summarise(...) -> Summary`

Nothing here imports Streamlit.
"""
