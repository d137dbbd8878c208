"""Small closed word lists the rules lean on.

They describe English news prose in general (speech verbs, titles, organisation words,
countries), never particular articles.
"""

from __future__ import annotations


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (keeps long word lists readable)."""
    return frozenset(text.split())


# Finite forms of verbs that introduce what a source said or wrote.
SPEECH_VERBS = word_set("""
    said says say told tells added adds stated announced announces noted notes warned warns
    argued argues claimed claims insisted insists wrote writes tweeted urged urges denied denies deny
    confirmed confirms explained explains stressed stresses suggested suggests acknowledged admitted
    asked asks accused accuses reported reports signaled signalled declared cautioned reiterated
    emphasized emphasised conceded recalled complained demanded proposed dismissed predicted insist urge
    warn argue claim contend contends maintain maintains
    described describes criticised criticized praised welcomed condemned rejected questioned replied
    responded concluded threatened
    chided chides blasted slammed blamed blames pressed encouraged branded dubbed labelled labeled
    """)

# Verbs weak enough that they only count with a clear speaker right before them.
WEAK_SPEECH_VERBS = word_set("""
    asked asks accused accuses reported reports signaled signalled recalled complained demanded
    proposed dismissed predicted urged urges denied denies deny noted notes urge warn maintain maintains
    described describes criticised criticized praised welcomed condemned rejected questioned replied
    responded concluded threatened
    chided chides blasted slammed blamed blames pressed encouraged branded dubbed labelled labeled
    """)

# Participles that attach a statement to the subject of the main clause.
SPEECH_PARTICIPLES = word_set(
    """
    saying adding noting warning stressing arguing insisting claiming urging suggesting explaining telling
    calling accusing pressing
    """
)


PERSONAL_PRONOUNS = word_set("he she him her")
NEUTER_PRONOUNS = word_set("it they we")

# Words that stand before a name as a title or make up a role ("Prime Minister", "Foreign Minister").
TITLE_WORDS = word_set("""
    president vice prime minister ministers secretary chancellor senator sen sen. rep rep. representative
    governor gov gov. mayor king queen prince princess pope judge justice general gen gen. lt lt.
    col col. adm adm. admiral colonel lieutenant major captain commander chief head leader chairman
    chairwoman chair spokesman spokeswoman spokesperson ambassador envoy diplomat delegate director
    deputy foreign defense defence finance interior justice trade home health economy state
    commissioner commission attorney lawyer official officials mr mr. mrs mrs. ms ms. dr dr. sir lord
    lady baroness dame rev rev. former acting new shadow opposition party labour tory conservative
    liberal democrat democratic republican senior top u.s. u.n. eu un us uk british german french
    saudi chinese russian american canadian iranian israeli turkish syrian iraqi afghan indian
    japanese spanish italian polish hungarian european african nominee candidate executive mp mps
    speaker premier lawmaker congressman congresswoman sheikh emir crown foreign-minister
    """)

HONORIFICS = word_set("mr mr. mrs mrs. ms ms. dr dr. sir lord lady baroness dame rev rev.")

# Nouns that make a capitalised phrase a body rather than a person.
ORGANISATION_WORDS = word_set("""
    department ministry office government administration party council commission committee union
    parliament congress senate house court agency bank fund organisation organization group bloc
    army military police forces force navy coalition alliance association federation institute
    university company corp corp. inc inc. ltd reuters bbc cnn agency council board service services
    league movement front authority authorities cabinet kremlin pentagon whitehouse nations church
    assembly tribunal secretariat embassy mission network tories labour conservatives democrats
    republicans treasury command centre center foundation
    """)

# Countries, blocs and capitals that speak for their governments in news prose.
PLACES = word_set("""
    afghanistan albania algeria angola argentina armenia australia austria azerbaijan bahrain
    bangladesh belarus belgium bolivia bosnia brazil britain bulgaria burma burundi cambodia
    cameroon canada chad chile china colombia congo croatia cuba cyprus czech denmark egypt eritrea
    estonia ethiopia finland france gambia georgia germany ghana greece guatemala guinea haiti
    honduras hungary iceland india indonesia iran iraq ireland israel italy japan jordan kazakhstan
    kenya korea kosovo kuwait kyrgyzstan laos latvia lebanon liberia libya lithuania luxembourg
    macedonia madagascar malawi malaysia maldives mali malta mexico moldova mongolia montenegro
    morocco mozambique myanmar namibia nepal netherlands nicaragua niger nigeria norway oman
    pakistan palestine panama paraguay peru philippines poland portugal qatar romania russia rwanda
    serbia singapore slovakia slovenia somalia spain sudan sweden switzerland syria taiwan
    tajikistan tanzania thailand tunisia turkey turkmenistan uganda ukraine uruguay uzbekistan
    venezuela vietnam yemen zambia zimbabwe scotland wales england europe africa asia
    washington moscow beijing london paris berlin brussels tokyo tehran ankara kabul baghdad damascus
    cairo riyadh seoul pyongyang kiev kyiv warsaw budapest rome madrid ottawa delhi islamabad
    jerusalem geneva vienna minsk manila jakarta bangkok hanoi nairobi caracas havana ramallah gaza
    """)

# Multi-word bodies that behave like countries.
PLACE_PHRASES = frozenset(
    (
        "united states", "united kingdom", "united nations", "european union", "saudi arabia", "south korea",
        "north korea", "south africa", "new zealand", "south sudan", "sri lanka", "united arab emirates",
        "czech republic", "the united states", "the united kingdom", "the united nations",
        "the european union",
        "hong kong", "downing street", "white house", "state department", "the netherlands", "ivory coast",
        "the philippines",
    )
)  # fmt: skip

# Lower-case heads of descriptions of unnamed sources ("a Canadian official", "officials").
UNNAMED_HEADS = word_set(
    """
    official officials source sources diplomat diplomats analyst analysts resident residents
    witness witnesses expert experts insider insiders ally allies critic critics group groups
    leader leaders lawmaker lawmakers legislator legislators spokesman spokeswoman spokesperson
    people person police statement report reports observer observers activist activists
    government ministry minister ministers delegate delegates aide aides adviser advisers advisor
    advisors member members investigator investigators prosecutor prosecutors agency officer
    officers authorities campaigners campaigner economists economist opponents supporters
    organisers organizers researchers scientists doctors workers protesters demonstrators
    politicians parties states countries nations envoy envoys negotiators commander commanders
    troops soldiers military army survey poll polls media newspaper paper letter document data
    figures statistics executive executives bank banks firm firms company companies unions union farmers
    villagers fishermen students teachers parents voters citizens refugees migrants rebels militants lawyers
    judges nurses businesses investors traders employers employees families governments diplomats
    """
)

# Singular heads of unnamed sources that are one person, so that a later "he" or "she" may mean them.
PERSON_HEADS = word_set("""
    official source diplomat analyst resident witness expert insider ally critic leader lawmaker legislator
    spokesman spokeswoman spokesperson person observer activist minister aide adviser advisor member
    investigator prosecutor officer envoy negotiator commander campaigner economist executive lawyer judge
    professor scientist researcher doctor worker protester politician ambassador chairman chairwoman
    chief director manager president secretary senator governor mayor author maker policymaker
    """)

# Words that cannot belong to the noun phrase naming a speaker.
NON_SUBJECT_WORDS = word_set("""
    is was were are be been being has have had will would could should can may might must shall
    do does did not never to that which if because when while although though whether so than
    also then there here this these those it its
    """)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
