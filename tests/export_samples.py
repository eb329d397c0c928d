"""Hand-built drafts for the export tests (no composer needed): one per artefact and language."""

from __future__ import annotations

from toolkit.models import (
    Citation,
    Draft,
    FaqItem,
    Finding,
    Section,
    SurveyQuestion,
    TimelineEntry,
    WorkshopBlock,
)

SCALES = {
    "en": ["Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"],
    "nl": ["Helemaal mee oneens", "Mee oneens", "Neutraal", "Mee eens", "Helemaal mee eens"],
    "sv": ["Instämmer inte alls", "Instämmer inte", "Varken eller", "Instämmer", "Instämmer helt"],
}

TEXT = {
    "en": {
        "title": "Why we are bringing in Aria",
        "why": "Why we are doing this",
        "why_p": "Customers wait too long on the phone. Aria drafts answers so you can spend time on the calls "
                 "that need you [1].",
        "changes": "What changes on 1 March",
        "changes_p": "From 1 March Aria suggests a reply for every chat. You decide what is sent.",
        "bullets": ["Aria summarises each call", "You check every summary", "Team leaders review weekly"],
        "numbered": ["Read the guide", "Join the training", "Try Aria in the test room"],
        "steps": "How we roll it out",
        "numbered2": ["Pilot with two teams", "All teams from April"],
        "q1": "Will I lose my job?", "a1": "No one loses their job because of Aria [2].",
        "q2": "What does Aria do?", "a2": "It drafts replies.\n\n- It never sends on its own\n- You stay in charge",
        "intro": "This survey is anonymous and takes about five minutes. We share the results on 15 March.",
        "dims": {"purpose": "Understanding the purpose", "trust": "Trust"},
        "items": ["I understand why we are introducing Aria.", "I trust the information I get about Aria.",
                  "I know who to ask about Aria."],
        "nps": "How likely are you to recommend our team as a place to work?",
        "open": "What would help you most in the coming weeks?",
        "touch": "Announcement in the team meeting", "sender": "Head of customer service",
        "audience": "All agents", "channel": "Team meeting",
        "block": "What we will stop doing", "block_d": "In pairs, list the tasks Aria takes over.",
        "source": "Change communication that works",
    },
    "nl": {
        "title": "Waarom we Aria invoeren",
        "why": "Waarom we dit doen",
        "why_p": "Klanten wachten te lang aan de telefoon. Aria schrijft een voorstel voor een antwoord, zodat je "
                 "meer tijd hebt voor de gesprekken die jou nodig hebben [1].",
        "changes": "Wat er verandert op 1 maart",
        "changes_p": "Vanaf 1 maart doet Aria bij elke chat een voorstel. Jij beslist wat er verstuurd wordt.",
        "bullets": ["Aria vat elk gesprek samen", "Jij controleert elke samenvatting", "Teamleiders kijken wekelijks mee"],
        "numbered": ["Lees de handleiding", "Volg de training", "Probeer Aria in de testomgeving"],
        "steps": "Hoe we het invoeren",
        "numbered2": ["Proef met twee teams", "Alle teams vanaf april"],
        "q1": "Verlies ik mijn baan?", "a1": "Niemand verliest zijn baan door Aria [2].",
        "q2": "Wat doet Aria?", "a2": "Aria schrijft voorstellen.\n\n- Aria verstuurt nooit zelf\n- Jij beslist",
        "intro": "Deze vragenlijst is anoniem en kost ongeveer vijf minuten. We delen de uitkomsten op 15 maart.",
        "dims": {"purpose": "Begrip van het doel", "trust": "Vertrouwen"},
        "items": ["Ik begrijp waarom we Aria invoeren.", "Ik vertrouw de informatie die ik over Aria krijg.",
                  "Ik weet bij wie ik terechtkan met vragen over Aria."],
        "nps": "Hoe waarschijnlijk is het dat je ons team aanbeveelt als werkplek?",
        "open": "Wat zou je de komende weken het meest helpen?",
        "touch": "Aankondiging in het teamoverleg", "sender": "Manager klantenservice",
        "audience": "Alle medewerkers", "channel": "Teamoverleg",
        "block": "Waar we mee stoppen", "block_d": "Maak in tweetallen een lijst van taken die Aria overneemt.",
        "source": "Verandercommunicatie die werkt",
    },
    "sv": {
        "title": "Därför inför vi Aria",
        "why": "Därför gör vi det här",
        "why_p": "Kunderna väntar för länge i telefon. Aria föreslår svar så att du får mer tid för samtalen "
                 "som behöver dig [1].",
        "changes": "Det här ändras den 1 mars",
        "changes_p": "Från den 1 mars föreslår Aria ett svar i varje chatt. Du bestämmer vad som skickas.",
        "bullets": ["Aria sammanfattar varje samtal", "Du granskar varje sammanfattning", "Teamledarna följer upp varje vecka"],
        "numbered": ["Läs guiden", "Gå utbildningen", "Prova Aria i testmiljön"],
        "steps": "Så inför vi det",
        "numbered2": ["Pilot med två team", "Alla team från april"],
        "q1": "Förlorar jag mitt jobb?", "a1": "Ingen förlorar sitt jobb på grund av Aria [2].",
        "q2": "Vad gör Aria?", "a2": "Aria föreslår svar.\n\n- Aria skickar aldrig själv\n- Du bestämmer",
        "intro": "Enkäten är anonym och tar ungefär fem minuter. Vi delar resultatet den 15 mars.",
        "dims": {"purpose": "Förståelse för syftet", "trust": "Förtroende"},
        "items": ["Jag förstår varför vi inför Aria.", "Jag litar på informationen jag får om Aria.",
                  "Jag vet vem jag kan fråga om Aria."],
        "nps": "Hur troligt är det att du skulle rekommendera vårt team som arbetsplats?",
        "open": "Vad skulle hjälpa dig mest de kommande veckorna?",
        "touch": "Information på teammötet", "sender": "Kundtjänstchef",
        "audience": "Alla medarbetare", "channel": "Teammöte",
        "block": "Det här slutar vi med", "block_d": "Lista i par de uppgifter som Aria tar över.",
        "source": "Förändringskommunikation som fungerar",
    },
}

LOCALISED = {
    "en": {"sources": "Sources", "date": "Date", "touchpoint": "Touchpoint", "faq": "Questions and answers",
           "long_date": "1 March 2027", "statement": "Statement"},
    "nl": {"sources": "Bronnen", "date": "Datum", "touchpoint": "Communicatiemoment", "faq": "Vragen en antwoorden",
           "long_date": "1 maart 2027", "statement": "Stelling"},
    "sv": {"sources": "Källor", "date": "Datum", "touchpoint": "Aktivitet", "faq": "Frågor och svar",
           "long_date": "1 mars 2027", "statement": "Påstående"},
}


def citations(lang: str) -> list[Citation]:
    t = TEXT[lang]
    return [
        Citation(id="change-comms", title=t["source"], source="Prosci", year=2023, lang=lang),
        Citation(id="jobs", title="AI in contact centres", source="Gartner", year=2024, lang=lang),
    ]


def base(kind: str, lang: str, **extra) -> Draft:
    return Draft(kind=kind, lang=lang, title=TEXT[lang]["title"], organisation="Acme Energie", ai_tool="Aria",
                 date="2027-03-01", citations=citations(lang), **extra)


def story(lang: str) -> Draft:
    t = TEXT[lang]
    return base("story", lang, sections=[
        Section(key="why", heading=t["why"], paragraphs=[t["why_p"]], citations=["change-comms"]),
        Section(key="changes", heading=t["changes"], paragraphs=[t["changes_p"]], bullets=t["bullets"],
                numbered=t["numbered"]),
        Section(key="steps", heading=t["steps"], paragraphs=[t["a1"]], numbered=t["numbered2"]),
    ])


def faq(lang: str) -> Draft:
    t = TEXT[lang]
    return base("faq", lang, items=[
        FaqItem(key="job", question=t["q1"], answer=t["a1"], citations=["jobs"]),
        FaqItem(key="what", question=t["q2"], answer=t["a2"]),
    ])


def survey(lang: str) -> Draft:
    t = TEXT[lang]
    dims = t["dims"]
    questions = [
        SurveyQuestion(key="p1", text=t["items"][0], type="likert", options=SCALES[lang], dimension="purpose",
                       dimension_label=dims["purpose"]),
        SurveyQuestion(key="t1", text=t["items"][1], type="likert", options=SCALES[lang], dimension="trust",
                       dimension_label=dims["trust"]),
        SurveyQuestion(key="t2", text=t["items"][2], type="likert", options=SCALES[lang], dimension="trust",
                       dimension_label=dims["trust"]),
        SurveyQuestion(key="nps", text=t["nps"], type="nps", options=[str(n) for n in range(11)],
                       dimension="enps", dimension_label="eNPS"),
        SurveyQuestion(key="o1", text=t["open"], type="open", dimension="open", dimension_label="Open"),
    ]
    return base("survey", lang, questions=questions, survey_intro=t["intro"], wave="before")


def plan(lang: str) -> Draft:
    t = TEXT[lang]
    timeline = [
        TimelineEntry(date="2027-02-01", date_label="1 feb", touchpoint=t["touch"], sender=t["sender"],
                      audience=t["audience"], channel=t["channel"], key="announce"),
        TimelineEntry(date="2027-03-01", date_label="1 mrt", touchpoint="Go-live", sender=t["sender"],
                      audience=t["audience"], channel="E-mail", key="golive"),
    ]
    workshop = [
        WorkshopBlock(start="09:00", minutes=20, title="Welkom", description="Doel en afspraken."),
        WorkshopBlock(start="09:20", minutes=40, title=t["block"], description=t["block_d"], exercise=True),
    ]
    return base("plan", lang, timeline=timeline, workshop=workshop)


BUILDERS = {"story": story, "faq": faq, "survey": survey, "plan": plan}


def sample(kind: str, lang: str) -> Draft:
    """A small but complete draft of `kind` in `lang`, with checks attached."""
    draft = BUILDERS[kind](lang)
    draft.checks = [
        Finding(check="readability", severity="info", message="Flesch 64", score=64.2),
        Finding(check="register", severity="warning", message="je and u mixed", where="why", fix="Use je."),
    ]
    return draft
