from pathlib import Path
from app_support import app, capture_downloads, no_exceptions, page, seed_project, texts, workspace
from results_scenario import make_scenario
from toolkit.results.ingest import load_survey
import pytest

@pytest.mark.parametrize("lang", ["sv", "nl"])
def test_dump(lang, monkeypatch, tmp_path):
    files = make_scenario(tmp_path / "gen", lang)
    pid = seed_project(lang)
    for w in ("before", "during", "after"):
        workspace().save_draft(pid, load_survey(tmp_path / "gen" / w / f"survey-{lang}.json"))
    downloads = capture_downloads(monkeypatch)
    at = page(app(lang, project=pid), "results")
    for wave, path in files.items():
        at.file_uploader(key=f"results:{pid}:{wave}:file").upload(path.name, path.read_bytes()).run()
        no_exceptions(at)
    out = Path("/tmp/r12res") / lang
    out.mkdir(parents=True, exist_ok=True)
    import pandas as pd
    pd.set_option("display.width", 250); pd.set_option("display.max_columns", 20)
    (out / "page.txt").write_text(texts(at) + "\n\nTABLES\n" + "\n".join(str(d.value) for d in at.dataframe)
        + "\n\nMETRICS\n" + "\n".join(f"{m.label}={m.value}" for m in at.metric) + "\n\nSELECT\n" + "\n".join(f"{s.label}={s.value}" for s in at.selectbox)
        + "\n\nBUTTONS\n" + "\n".join(f"{b.label}" for b in at.button) + "\n".join(f"{b.label}" for b in at.get("download_button"))
        + "\n\nTABS\n" + "\n".join(t.label for t in at.tabs), encoding="utf-8")
    for name, data in downloads.items():
        (out / name).write_bytes(data)
