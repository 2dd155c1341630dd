"""Questions that ask for more than the best entry holds are not answered outright from it."""

from __future__ import annotations

import pytest

from faqbot.knowledge import Matcher, Pack
from faqbot.knowledge.languages import LanguageAnswerers
from faqbot.knowledge.matcher import RULE_BEYOND
from tests.support.application import knowledge_of


@pytest.fixture
def matcher(pack: Pack) -> Matcher:
    return knowledge_of(pack).answerer.matcher


@pytest.fixture
def answerers(pack: Pack) -> LanguageAnswerers:
    return knowledge_of(pack).answerers


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        # Another possessor: the pack's budget and counterstrike plans are Japan's.
        ("How big is India's defence budget going to be?", "another country's"),
        ("what are india's plans for counterstrike capabilities", "another country's"),
        # Another pair of countries: the pack holds India and Japan's dialogue.
        ("India Russia 2+2 mein kya tay hua", "another country's dialogue"),
        # Outcomes where the entry gives a date and place.
        ("results of the November 2019 India Japan 2+2", "outcomes"),
        # A place where the entry gives a host.
        ("where is the MILAN exercise conducted", "a place"),
        # How it works where the entry says that it exists.
        ("how does the RPSS agreement actually work", "how it works"),
        # Instances where the entry gives a commitment.
        ("examples of india japan pandemic cooperation", "examples"),
        # Read as typed: the typo corrector would make "operation" the pack's "operationalised".
        ("which HADR operations did india and japan carry out", "examples"),
        # Who: the RPSS card says only that it "was signed in September 2020".
        ("who signed the RPSS agreement", "a person"),
        # Who, where the only ones named are the question's own countries (and "minister-level"
        # is the dialogue's rank, not someone who went).
        ("pehli india japan 2+2 mein india se kaun gaya tha", "a person"),
        # Which thing: the MILAN cards name no ship.
        ("which Japanese ship took part in MILAN", "which ship"),
        # A name of several words the best entry never writes.
        ("What is the India–Japan Digital Partnership?", "another named thing"),
        # A country the pack never names, named alone.
        ("is pakistan part of the malabar exercise", "another country's"),
        # "kaha" before "hua"/"hui"/"tha" is "where", not "said".
        ("tokyo wali 2+2 ki highlights kaha hui thi", "a place"),
        # What another country said: the pack quotes only India and Japan.
        ("How did the US react to the Malabar exercise?", "another country's words"),
        ("australia ne malabar ke baare mein kya kaha", "another country's words"),
        # A plain name with a word the pack never uses: no entry defines it.
        ("india japan hydrogen partnership kya hai", "a thing the pack does not define"),
        # Whom a strike is aimed at: the counterstrike card names no one.
        ("against whom will japan use its counterstrike capabilities", "a target"),
        ("japan counterstrike kiske khilaf karega", "a target"),
        # "The name of the <thing>" asks which thing, as "which <thing>" does.
        ("what is the name of the india japan air force drill", "which air"),
        # A "who" of a role the pack never names, of an entry with a "who" phrasing.
        ("who chairs the Japan Joint Staff", "a person"),
        # Only countries and a year known: the unknown words are the topic.
        ("india japan tourism revenue 2019", "a thing the pack does not define"),
        # "Minister-level" names the dialogue's rank, not someone who took part.
        (
            "who was the indian defence minister when the first 2+2 with japan happened in 2019",
            "a person",
        ),
        ("which japanese ministers came for the november 2019 2+2 in new delhi", "which minister"),
        # "What is the <thing> of …": the working-group card gives no cost.
        ("what is the cost of the india japan joint working group", "the cost of it"),
    ],
)
def test_asks_for_more_than_the_entry_holds(matcher: Matcher, question: str, reason: str) -> None:
    match = matcher.match(question)
    assert match.status != "answer", match
    assert match.why == f"{RULE_BEYOND}: {reason}"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("What is Japan's plan for its defence budget?", "japan-defence-budget"),
        ("India and Japan's commitment to a rules-based order", "rules-based-order"),
        ("does india have a 2+2 with russia", "india-2plus2-partners"),
        ("where did the second india japan 2+2 take place", "second-dialogue"),
        ("outcomes of the second india japan 2+2", "key-highlights"),
        ("who hosts milan", "what-is-milan"),
        ("who took part in MILAN for the first time", "japan-in-milan"),
        ("which navy hosts MILAN", "what-is-milan"),
        ("which forces take part in dharma guardian", "what-is-dharma-guardian"),
        ("which joint working group meeting did the ministers mention", "jwg-detc"),
        ("India holds 2+2 dialogues with US, Australia, Japan and which other country?", None),
        # Things that name nothing, and an edition the answer gives as an ordinal.
        ("which steps did the ministers welcome on military-to-military cooperation", None),
        ("which edition of the JWG on defence equipment and technology was it", None),
        # A count before the role, and a deed in the past, are no role the pack lacks.
        ("who are the two ministers india sends to a 2+2", "who-attends-2plus2"),
        ("who came up with the idea for an india japan 2+2 meeting", "idea-origin"),
        # "Kis shehar": a place, which the second dialogue's card gives.
        ("doosri india japan 2+2 kis shehar me thi", "second-dialogue"),
        # What any entry may be asked of: its purpose, its significance.
        ("what is the purpose of the joint service staff talks", None),
        # "Noted as an example of": a kind, not instances; "put into operation" is what the
        # card writes as "operationalisation".
        ("the RPSS was put into operation in which exercise", None),
    ],
)
def test_the_same_shapes_are_answered_when_the_entry_holds_them(
    matcher: Matcher, question: str, entry_id: str
) -> None:
    match = matcher.match(question)
    if entry_id is None:  # only that no scope rule holds it back
        assert not (match.why or "").startswith(RULE_BEYOND), match
        return
    assert match.status == "answer", match
    assert match.entry is not None and match.entry.id == entry_id


@pytest.mark.parametrize(
    ("question", "reason"),
    [
        ("आरपीएसएस समझौते पर हस्ताक्षर किसने किए", "a person"),
        ("मिलन में जापान का कौन सा जहाज शामिल हुआ", "which जहाज"),
        # "कौन कौन" (which ones), with or without its से.
        ("जेडब्ल्यूजी की बैठक में कौन कौन अधिकारी आए", "which अधिकार"),
        ("मालाबार अभ्यास में पाकिस्तान शामिल है क्या", "another country's"),
        # Where: a Hindi answer gives a place by its verb ("टोक्यो में हुई"); this one has none.
        ("जेडब्ल्यूजी की बैठक कहाँ हुई थी", "a place"),
        ("मिलन अभ्यास किस जगह होता है", "a place"),
        # Whom a strike is aimed at ("किस पर" only beside a word for striking).
        ("जापान पलटवार किसके खिलाफ करेगा", "a target"),
        # A plain name with a word the pack never uses; the countries in it name no thing.
        ("भारत जापान सेमीकंडक्टर साझेदारी क्या है", "a thing the pack does not define"),
        # Which one of the very thing the card is about: the card names none.
        ("भारत को कौन सा यूजीवी मिलेगा", "which यूजीवी"),
    ],
)
def test_hindi_asks_for_more_than_the_entry_holds(
    answerers: LanguageAnswerers, question: str, reason: str
) -> None:
    match = answerers.match(question, "hi")
    assert match is not None and match.status != "answer", match
    assert match.why == f"{RULE_BEYOND}: {reason}"


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("मिलन में पहली बार कौन शामिल हुआ", "japan-in-milan"),
        ("दोनों देश कौन कौन से द्विपक्षीय और बहुपक्षीय अभ्यास करते रहेंगे", "continuing-exercises"),
        # बातचीत is the pack's synonym of the वार्ता the card says.
        ("सचिव स्तर पर भारत जापान की कौन सी बातचीत 2010 से होती है", "secretary-level-dialogue"),
        # Where, from answers that say where it was held, or whose card asks where.
        ("दूसरी भारत जापान 2+2 वार्ता किस शहर में हुई", "second-dialogue"),
        ("मोदी आबे शिखर सम्मेलन कहाँ हुआ जिसमें 2+2 का विचार आया", "idea-origin"),
        # "किस पर" is also "on what".
        ("मानवीय सहायता और आपदा राहत पर सहमति किस पर बनी", "hadr-and-pandemics"),
        # A definition of what the pack defines, in a spelling of its own.
        ("जीमेक्स अभ्यास क्या होता है", "what-is-jimex"),
        # Which kind of the card's thing, where the card names it (the RPSS agreement).
        ("जापानी आत्मरक्षा बलों और भारतीय सेना में कौन सा समझौता है", "rpss-agreement"),
        # Who said it: a Hindi sentence's subject ("मंत्रियों ने … ज़ोर दिया कि …") acts in
        # every clause of it, past the commas.
        ("विवादों के शांतिपूर्ण समाधान की बात किसने कही", "peaceful-resolution"),
        # "कौन सा शामिल नहीं है": which one is not included names no thing.
        (
            "भारत और जापान किन अभ्यासों को जारी रखेंगे, इनमें से कौन सा शामिल नहीं है? "
            "(क) मालाबार (ख) जिमेक्स (ग) धर्म गार्जियन (घ) रेड फ्लैग",
            "continuing-exercises",
        ),
    ],
)
def test_hindi_who_and_which_are_answered_when_the_entry_holds_them(
    answerers: LanguageAnswerers, question: str, entry_id: str
) -> None:
    match = answerers.match(question, "hi")
    assert match is not None and match.status == "answer", match
    assert match.entry is not None and match.entry.id == entry_id


def test_a_country_named_only_to_be_left_out_is_not_spoken_of(matcher: Matcher) -> None:
    # key-highlights names Russia only in "without naming Russia or China".
    match = matcher.match("what did india and russia decide at their 2+2")
    assert match.status != "answer" or (match.entry and match.entry.id != "key-highlights")


@pytest.mark.parametrize(
    "question",
    [
        "Did the joint statement on the rules-based order mention China?",
        "rules based order wale statement me Russia ka naam tha?",
    ],
)
def test_a_question_about_the_omission_itself_is_not_another_countrys(
    matcher: Matcher, question: str
) -> None:
    # rules-based-order names Russia and China only in "Without specifically naming …".
    match = matcher.match(question)
    assert match.why != f"{RULE_BEYOND}: another country's dialogue", match
    assert match.entry is not None and match.entry.id == "rules-based-order"
