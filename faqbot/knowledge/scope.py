"""Signs that a question asks for more than an entry holds: another country's or dialogue's
thing, or a place, outcomes, examples or a mechanism where the entry gives something else.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from faqbot.knowledge.devanagari import has_devanagari
from faqbot.knowledge.normaliser import Normaliser, words
from faqbot.knowledge.schema import Entry

# Countries and their adjectives: "Indian side" speaks for India, "Japan's budget" is Japan's.
# General English, not the pack's subject, so they live here.
_COUNTRIES = (
    ("india", "indian"),
    ("japan", "japanese"),
    ("us", "usa", "america", "american", "united states"),
    ("australia", "australian"),
    ("russia", "russian"),
    ("china", "chinese"),
    ("uk", "britain", "british"),
    ("france", "french"),
    ("germany", "german"),
    ("pakistan", "pakistani"),
    ("korea", "korean"),
    ("canada", "canadian"),
    ("israel", "israeli"),
)
# "India's X", "Japan ka X", "जापान का X": who X belongs to, then up to three words of X.
_POSSESSIVE = re.compile(
    r"([^\W\d_][\w.]*|[\u0900-\u097f]+)"
    r"(?:['’]s\b|\s+(?:ka|ki|ke)\b|\s+(?:का|की|के)(?![\u0900-\u097f]))\s+([^?.!,;:()।]*)"
)
# A cheap first look: most questions have no possessive at all.
_POSSESSIVE_MARK = re.compile(r"['’]s\b|\s(?:ka|ki|ke)\b|\s(?:का|की|के)(?![\u0900-\u097f])")
_JOINT = re.compile(r"(?:\band|&|\sऔर)\s*$", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.;:!?])\s+|\n\s*[-•*]?\s*")
_ORDINALS = {
    **dict.fromkeys(("first", "1st", "inaugural"), 1),
    **dict.fromkeys(("second", "2nd"), 2),
    **dict.fromkeys(("third", "3rd"), 3),
    **dict.fromkeys(("fourth", "4th"), 4),
    **dict.fromkeys(("fifth", "5th"), 5),
    **dict.fromkeys(("sixth", "6th"), 6),
}
# "held since 2018" says when the first one was.
_SINCE = "since"
# "Where is JIMEX held?" wants a place: "in Tokyo", "at New Delhi"; not "in November 2019".
# ("kaha" is also "said": "kya kaha".)
_WHERE = frozenset({"where", "kahan", "kahaan", "venue", "located"})
# The same in Hindi: कहाँ, and the place nouns a "किस शहर में" question turns on.
_WHERE_HI = "कहाँ कहां स्थान स्थल जगह शहर वेन्यू"
# …but "kaha" before "hua", "hui", "tha" is "where": "meeting kaha hui thi" (not "ne kaha tha").
_KAHA_WHERE = re.compile(
    r"(?<!\bne )(?<!\bkya )\bkaha\s+(?:hua|hui|hue|huyi|hoga|hogi|honge|hota|hoti|hote|tha|thi)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    r"\b(?:in|at)\s+(?!(?:January|February|March|April|May|June|July|August|September|October"
    r"|November|December|The|That|This|Its|Their)\b)[A-Z][a-z]+"
)
# Devanagari has no capitals: a Hindi answer gives a place where something happened in it
# ("टोक्यो में हुई", "नई दिल्ली में आयोजित"), a month aside ("नवंबर 2019 में" has a year
# between; "सितंबर में हुई" has not).
_PLACE_HI = re.compile(
    r"(?<![\u0900-\u097f])(?!(?:जनवरी|फरवरी|फ़रवरी|मार्च|अप्रैल|मई|जून|जुलाई|अगस्त|सितंबर"
    r"|सितम्बर|अक्टूबर|अक्तूबर|नवंबर|नवम्बर|दिसंबर|दिसम्बर)(?![\u0900-\u097f]))"
    r"[\u0900-\u097f]+,?\s+में\s+(?:हुई|हुआ|हुए|हुईं|आयोजित|स्थित)(?![\u0900-\u097f])"
)
# "How does X work?" wants a mechanism; an answer saying that X exists does not give one.
_HOW = frozenset({"how", "kaise", "kese", "kaisa", "kaisi"})
_WORK = frozenset({"work", "works", "kaam", "function", "functions", "operate", "operates"})
_EXPLAINS = re.compile(r"\b(?:by|through)\s+\w+ing\b|\bworks?\b", re.IGNORECASE)
# Words that say the question wants instances ("What HADR operations have they done?"): the
# entry must speak of them, not of a commitment to the field.
_AS_AN_INSTANCE = re.compile(r"\bas\s+an?\s+(?:example|instance|case)\s+of\b", re.IGNORECASE)
_INSTANCES = frozenset(
    {"example", "instance", "operation", "mission", "project", "case", "incident", "deploy"}
)
# What came of a meeting: asked by "outcomes", "results", "came out of" ("highlight" is also a
# verb: "what goal did they highlight").
_OUTCOMES = frozenset({"outcome", "outcomes", "result", "results", "takeaway", "takeaways"})
_OUTCOME_PAIRS = frozenset({("came", "out"), ("come", "out")})
# "Without naming Russia or China": a country named only to be left out is not spoken of.
_NEGATED_RUN = re.compile(r"\b(?:without|not|never|no)\b(?:\W+[\w'’-]+){1,5}", re.IGNORECASE)
# A question about that omission itself ("did they name China?", "China ka naam liya kya",
# "did they call out Russia") asks what the entry holds.
_NAMING = frozenset(
    """name named names naming naam mention mentioned mentions call called criticise criticised
    criticize criticized refer referred single singled target targeted omit omitted exclude
    excluded""".split()
)

# A country that speaks or reacts ("What did Russia say about…", "How did China react",
# "China ne kya kaha"): the pack quotes only its own countries, so another's words are not in
# it, however often the entry names that country.
_SPEAKER = re.compile(
    r"\b(?:did|does|do|has|have|will|would)\s+(?:the\s+)?([\w'’-]+)\s+"
    r"(?:(?:side|government|govt)\s+)?(?:say|said|think|react|respond|feel|view|comment|object)\b"
    r"|\b([\w'’-]+)\s+ne\s+(?:\S+\s+){0,6}?(?:kaha|bola|socha)\b",
    re.IGNORECASE,
)
# "What is X?", "X kya hai", "meaning of X": a definition, which no entry gives of a word the
# pack never uses ("india japan semiconductor partnership kya hai").
_DEFINITION = re.compile(
    r"^\W*(?:what\s+is|what's|whats|what\s+are|define|meaning\s+of)\b"
    r"|\b(?:kya\s+(?:hai|hain|hota\s+hai|hoti\s+hai|hote\s+hain)|matlab|meaning)\W*$",
    re.IGNORECASE,
)
_RELATION_WORDS = frozenset(
    "in of for with from between at on about by to into under this that thing".split()
)
# The same in Hindi: "शिन्यू मैत्री क्या है", "X का मतलब". Its postpositions are its relation
# words ("JSST में भारत की ओर से कौन": a detail of something defined).
_DEFINITION_HI = re.compile(
    r"(?<![\u0900-\u097f])(?:क्या\s+(?:है|हैं|होता\s+है|होती\s+है|होते\s+हैं)"
    r"|का\s+(?:मतलब|अर्थ)(?:\s+क्या\s+है)?)\W*$"
)
_RELATION_WORDS_HI = frozenset(words("में पर का की के से को बीच लिए साथ द्वारा ने ओर तरफ"))

Weight = Callable[[str], float]


def _stems(text: str) -> frozenset[str]:
    return frozenset(words(text))


_WHERE_STEMS = _stems(" ".join(_WHERE)) | _stems(_WHERE_HI)
_HOW_STEMS = _stems(" ".join(_HOW))
_WORK_STEMS = _stems(" ".join(_WORK))
_INSTANCE_STEMS = _stems(" ".join(_INSTANCES))
_OUTCOME_STEMS = _stems(" ".join(_OUTCOMES))
_NAMING_STEMS = _stems(" ".join(_NAMING))

# "Who…?" wants a person, an office or a body: "who signed RPSS" is not answered by a clause
# that says only "it was signed in September 2020". English, Hinglish and Hindi; "kaun sa",
# "कौन-सी" ask "which", not "who" (and "kaun kaun se" is "which ones").
_WHO = re.compile(
    r"\b(?:who|whom|kisne)\b|\b(?<!kaun )(?:kaun|kon|koun)\b(?!\s*-?\s*(?:sa|se|si|kaun)\b)"
    r"|(?<![\u0900-\u097f])(?:किसने|किन्होंने|(?<!कौन )कौन)(?![\u0900-\u097f])"
    r"(?!\s*-?\s*(?:सा|से|सी|कौन)(?![\u0900-\u097f]))",
    re.IGNORECASE,
)
# The role a "who" question names: "who *heads*…", "who is the *commander* of…".
# A count before the role is not one ("who are the 4 ministers"), and a verb in the past
# asks who did a deed ("who came up with the idea"), which `_no_one` reads, not who holds a
# role.
_WHO_ROLE = re.compile(
    r"\bwho\s+(?:is\s+|are\s+|was\s+|were\s+)?(?:the\s+)?"
    r"(?:(?:\d+|two|three|four|five|both)\s+)?([\w'’-]+)",
    re.IGNORECASE,
)
_PAST_DEED = re.compile(
    r"\w+ed|came|took|went|gave|made|began|brought|thought|put|set|held|met|said|told|did|got",
    re.IGNORECASE,
)
_WHO_WORDS = frozenset(words("who whom kisne kaun kon koun किसने किन्होंने कौन"))
# Someone who acts: persons, offices and bodies, in English and Hindi (countries are found
# by Scope's country names).
_AGENT = re.compile(
    r"\b(?:ministers?|secretar(?:y|ies)|officers?|officials?)\b(?![\s-]+level)"
    r"|\b(?:president|PM|Mr|Ms|Dr|"
    r"sides?|navy|navies|army|armies|forces?|staff|government|ministry|ministries|leaders?|"
    r"partners?|countries|members?)\b"
    r"|(?<![\u0900-\u097f])(?:मंत्री|मंत्रियों|प्रधानमंत्री|सचिव|अधिकारी|अधिकारियों|पक्ष|पक्षों|"
    r"नौसेना|नौसेनाओं|सेना|सेनाओं|बल|बलों|स्टाफ़?|सरकार|मंत्रालय|नेता|नेताओं|साझेदार|देशों|"
    r"सदस्य)(?![\u0900-\u097f])",
    re.IGNORECASE,
)
# A clause of an answer: sentences, split again at commas and the danda.
_CLAUSE = re.compile(r"[.;:!?,।\n]+\s*")
_SENTENCE_END = re.compile(r"[.;:!?।\n]+\s*")
# "Which <thing>…?" (or "the name of the <thing>"): the thing asked for must be in the entry.
# A few things are general kinds, found by what the answer says rather than by the word
# itself.
_WHICH = re.compile(
    r"\b(?:which|kaun\s*-?\s*(?:sa|se|si)|kis|name\s+of(?:\s+the)?)\s+([\w'’-]+(?:\s+[\w'’-]+)?)"
    # "कौन कौन अधिकारी" (which officials) too, with or without its सा/से/सी.
    r"|(?<![\u0900-\u097f])(?:कौन(?:\s*-?\s*कौन)?\s*-?\s*(?:सा|से|सी)|कौन\s*-?\s*कौन|किस|किन)"
    r"\s+([\u0900-\u097f]+)",
    re.IGNORECASE,
)
# The word right after a Hindi "which", in either script ("कौन सा UGV").
_WHICH_ANY = re.compile(
    r"(?<![\u0900-\u097f])(?:कौन\s*-?\s*(?:सा|से|सी)|किस|किन)\s+([\w\u0900-\u097f]+)"
    r"|\b(?:which|kaun\s*-?\s*(?:sa|se|si))\s+(\w+)",
    re.IGNORECASE,
)
_KIND_NOUNS = {
    **dict.fromkeys(words("country countries nation nations desh देश देशों राष्ट्र"), "country"),
    **dict.fromkeys(
        words("city place venue shahar shehar sheher sahar jagah शहर स्थान जगह"), "place"
    ),
    **dict.fromkeys(words("year month date day din saal sal varsh वर्ष साल महीने तारीख"), "date"),
    **dict.fromkeys(
        words(
            "minister ministers pm pms person official leader force forces army armies navy "
            "मंत्री व्यक्ति नेता नेताओं सेना सेनाओं बल बलों"
        ),
        "who",
    ),
    # "Which edition", "which round": an ordinal ("the second", "the Sixth … Group").
    **dict.fromkeys(words("edition editions round rounds iteration session sessions"), "ordinal"),
}
# "What is the <thing> of …?" asks for that thing of something the entry is about: "what is
# the budget of the joint working group" is not answered by a card that names no budget.
_WHAT_OF = re.compile(
    r"\bwhat\s+(?:is|was|are|were)\s+the\s+([\w'’-]+)\s+of\b|\bwhat's\s+the\s+([\w'’-]+)\s+of\b",
    re.IGNORECASE,
)
# Things any entry may be asked of without writing the word: what it means, is for, is like.
_ASPECTS = frozenset(
    words(
        "meaning full form purpose aim aims objective objectives goal goals significance "
        "importance role use point idea concept need scope nature status background context "
        "relevance benefit benefits advantage advantages gist summary essence main key crux "
        "outcome outcomes result results highlight highlights stand stance position view views "
        "response reaction opinion message theme focus basis part name definition expansion "
        "abbreviation acronym origin history reason logic rationale"
    )
)
# "Which of the following", "which one": no thing is named.
_STOP_AFTER_WHICH = frozenset(
    words(
        "one ones following statement statements option options kind type sort way manner "
        "thing things development developments step steps aspect aspects measure measures "
        "issue issues तरह प्रकार काम रूप kaam tarah prakar "
        # "निम्नलिखित में से कौन सा शामिल नहीं है": which one is (not) included.
        "शामिल"
    )
)
# "Against whom": "जवाबी हमला किस पर करेगा", "kiske khilaf", "against which country". An
# answer that names no one struck at ("against", "खिलाफ", "विरुद्ध", "पर हमला") does not say.
# Hindi "किस पर" is also "on what" ("किस पर सहमति बनी"), so it counts only beside a word for
# striking.
_AGAINST = re.compile(
    r"\bagainst\s+(?:whom|who|which)\b|\b(?:kis|kin|kiske|kinke)\s+(?:desh\s+)?khilaf\b"
    r"|(?<![\u0900-\u097f])(?:किसके|किनके|किस\s+देश\s+के|किन\s+देशों\s+के)\s+"
    r"(?:खिलाफ|ख़िलाफ़|विरुद्ध)(?![\u0900-\u097f])",
    re.IGNORECASE,
)
_ON_WHOM = re.compile(
    r"\b(?:kis|kin)\s+(?:desh\s+)?(?:par|pe)\b"
    r"|(?<![\u0900-\u097f])(?:किस|किन)\s+(?:देश\s+|देशों\s+)?पर(?![\u0900-\u097f])",
    re.IGNORECASE,
)
_STRIKE = re.compile(
    r"\b(?:attack|strike|counterstrike|hamla|hamle)|(?<![\u0900-\u097f])(?:हमला|हमले|प्रहार|"
    r"स्ट्राइक|काउंटरस्ट्राइक|पलटवार|निशाना)",
    re.IGNORECASE,
)
_TARGET = re.compile(
    r"\bagainst\b|(?<![\u0900-\u097f])(?:खिलाफ|ख़िलाफ़|विरुद्ध)(?![\u0900-\u097f])"
    r"|पर\s+(?:हमला|हमले|प्रहार)",
    re.IGNORECASE,
)
# A capitalised word, or a run of them, in a question ("Digital Partnership").
_NAMED_RUN = re.compile(r"(?<![\w-])[A-Z][\w'’]*(?:[ –-]+[A-Z][\w'’]*)*")
# "Which two leaders": the count is not the thing.
_COUNTS = frozenset(words("two three four five both do teen char दो तीन चार पाँच दोनों"))
_HAS_YEAR = re.compile(r"\b(?:1[89]|20)\d\d\b")


@dataclass(frozen=True)
class _Sentence:
    tokens: frozenset[str]
    countries: frozenset[str]


class Scope:
    """Checks a question against an entry for the signs above; built once per matcher."""

    def __init__(
        self,
        entries: Sequence[Entry],
        normaliser: Normaliser,
        weight: Weight,
        intents: Sequence[frozenset[str]],
    ) -> None:
        self.normaliser = normaliser
        self.weight = weight
        self._intents = intents
        self._country: dict[str, str] = {}
        for names in _COUNTRIES:
            tokens = [" ".join(normaliser.content_tokens(name)) for name in names]
            for token in tokens:
                if token:
                    self._country.setdefault(token, tokens[0])
        self._sentences: list[list[_Sentence]] = []
        self._possessed: list[dict[str, frozenset[str]]] = []
        self._subject_ordinals: list[frozenset[int]] = []
        self._subject: list[frozenset[str]] = []
        self._affirmed: list[frozenset[str]] = []
        self._left_out: list[frozenset[str]] = []
        self._words: list[frozenset[str]] = []
        self._explains: list[bool] = []
        self._places: list[bool] = []
        self._targets: list[bool] = []
        # Per answer clause: its tokens, whether it names an office or body, its countries.
        self._clauses: list[list[tuple[frozenset[str], bool, frozenset[str]]]] = []
        self._asked: list[frozenset[str]] = []
        # What each entry's own phrasings ask "which" of ("which jwg meeting…").
        self._which_heads: list[frozenset[str]] = []
        # Every word an entry writes, stemmed but not folded into terms ("joint", "स्तर").
        self._written: list[frozenset[str]] = []
        mentions: dict[str, int] = {}
        for entry in entries:
            sentences = [
                _Sentence(frozenset(tokens), self._countries(tokens))
                for piece in _SENTENCE.split(entry.answer)
                if piece.strip() and (tokens := normaliser.content_tokens(piece))
            ]
            self._sentences.append(sentences)
            self._possessed.append(self._possessions(entry.answer))
            self._subject_ordinals.append(self._ordinals(normaliser.content_tokens(entry.question)))
            subject = {
                t for text in (*entry.phrasings, *entry.keywords) for t in self._tokens(text)
            }
            self._subject.append(frozenset(subject))
            affirmed = subject | set(self._tokens(_NEGATED_RUN.sub(" ", entry.answer)))
            self._affirmed.append(self._countries(list(affirmed)))
            spoken = self._countries(self._tokens(_NEGATED_RUN.sub(" ", entry.answer)))
            negated = " ".join(m.group() for m in _NEGATED_RUN.finditer(entry.answer))
            self._left_out.append(self._countries(self._tokens(negated)) - spoken)
            every = subject | {t for s in sentences for t in s.tokens}
            self._words.append(frozenset(every))
            self._explains.append(bool(_EXPLAINS.search(entry.answer)))
            self._targets.append(bool(_TARGET.search(entry.answer)))
            # A Hindi answer's place is found by its verb, or by a phrasing that asks where.
            self._places.append(
                bool(_PLACE.search(entry.answer) or _PLACE_HI.search(entry.answer))
                or (has_devanagari(entry.answer) and "where" in intents[len(self._places)])
            )
            self._clauses.append(self._answer_clauses(entry.answer, normaliser))
            self._asked.append(frozenset(normaliser.content_tokens(entry.question)))
            self._which_heads.append(
                frozenset(
                    t
                    for text in entry.phrasings
                    for found in _WHICH_ANY.finditer(text)
                    for t in self._tokens(found.group(1) or found.group(2))
                )
            )
            texts = (*entry.phrasings, *entry.keywords, entry.answer)
            self._written.append(
                frozenset(w for text in texts for w in words(text))
                | {part for t in every for part in t.split("_")}
            )
            for country in self._countries(list(every)):
                mentions[country] = mentions.get(country, 0) + 1
        # A term the synonyms fold (several words, or their acronym) in the question of at
        # most two entries names what they are about ("UGV": unmanned ground vehicle).
        asked_in: dict[str, int] = {}
        for asked in self._asked:
            for token in asked:
                asked_in[token] = asked_in.get(token, 0) + 1
        self._named_subject = [
            frozenset(t for t in asked if asked_in[t] <= 2 and "_" in t) for asked in self._asked
        ]
        # The pack's own parties ("India", "Japan") are in most entries; others are not.
        self._home = frozenset(c for c, n in mentions.items() if n > len(entries) // 3)

    def _tokens(self, text: str) -> list[str]:
        return self.normaliser.content_tokens(text)

    def _countries(self, tokens: Sequence[str]) -> frozenset[str]:
        return frozenset(self._country[t] for t in tokens if t in self._country)

    @staticmethod
    def _ordinals(tokens: Sequence[str]) -> frozenset[int]:
        return frozenset(_ORDINALS[t] for t in tokens if t in _ORDINALS)

    def _possessions(self, text: str) -> dict[str, frozenset[str]]:
        """Country -> the tokens it possesses in a text ("Japan's defence budget")."""
        found: dict[str, set[str]] = {}
        for who, rest in _POSSESSIVE.findall(text):
            owner = self._countries(self._tokens(who))
            if len(owner) != 1:
                continue
            owned = self._tokens(" ".join(rest.split()[:3]))
            owned = list(itertools.takewhile(lambda t: t not in self._country, owned))
            found.setdefault(next(iter(owner)), set()).update(owned)
        return {country: frozenset(tokens) for country, tokens in found.items()}

    def beyond(
        self,
        question: str,
        entry_index: int,
        known: Sequence[str],
        unknown: Sequence[str],
        typed: set[str] | None = None,
    ) -> str | None:
        """Why the entry cannot answer the question in full, or None. `typed` is the
        question's content tokens as typed, before typo correction (made here if not given).

        - another possessor: "India's defence budget" where the answer's budget is Japan's;
        - another country's dialogue: "India Russia 2+2 …" where Russia is not what the entry
          is about, or the question asks something of it the entry does not hold;
        - another dialogue: "the first 2+2" where the answer's sentence is about the second;
        - outcomes, a place, examples or a mechanism that the entry does not give.
        """
        return (
            self._other_possessor(question, entry_index)
            or self._other_country(question, entry_index, known, unknown)
            or self._other_ordinal(entry_index, known)
            or self._other_ask(
                question,
                entry_index,
                typed if typed is not None else set(self._tokens(question)),
            )
            or self._undefined(question, unknown)
            or self._unknown_role(question, entry_index, known, unknown)
            or self._unknown_topic(known, unknown)
        )

    def _unknown_topic(self, known: Sequence[str], unknown: Sequence[str]) -> str | None:
        """Only countries and years known, and words the pack never uses: those words are
        the topic ("india japan trade volume 2022"), and no entry holds it."""
        if not unknown or any(t not in self._country and not _HAS_YEAR.fullmatch(t) for t in known):
            return None
        if any(self.normaliser.is_content(t) and t not in self._country for t in unknown):
            return "a thing the pack does not define"
        return None

    def _unknown_role(
        self, question: str, entry_index: int, known: Sequence[str], unknown: Sequence[str]
    ) -> str | None:
        """A "who" question whose words are the entry's subject but for its role, a word the
        pack never uses ("Who heads the Japan Joint Staff?" of the JSST card, which has a "who"
        phrasing of its own): it asks for someone the pack does not name."""
        found = _WHO_ROLE.search(question)
        if found is None or not known or not set(known) <= self._subject[entry_index]:
            return None
        if _PAST_DEED.fullmatch(found.group(1)):
            return None
        if set(self._tokens(found.group(1))) & set(unknown):
            return "a person"
        return None

    def _other_possessor(self, question: str, entry_index: int) -> str | None:
        if not _POSSESSIVE_MARK.search(question):  # most questions: skip the costlier pattern
            return None
        possessed = self._possessed[entry_index]
        for found in _POSSESSIVE.finditer(question):
            who, rest = found.groups()
            owner = self._countries(self._tokens(who))
            # "India and Japan's commitment" is theirs together.
            if len(owner) != 1 or _JOINT.search(question[: found.start()]):
                continue
            (country,) = owner
            owned = [t for t in self._tokens(" ".join(rest.split()[:3])) if t not in self._country]
            if not owned:
                continue
            # The answer says whose it is: "India's foreign minister", "Japan's defence budget".
            for token in owned:
                owners = {c for c, tokens in possessed.items() if token in tokens}
                if owners and country not in owners:
                    return "another country's"
            # The sentence that holds it names who acts: "The Japanese side … counterstrike".
            scored = [
                (sum(self.weight(t) for t in owned if t in s.tokens), s)
                for s in self._sentences[entry_index]
            ]
            best = max((score for score, _ in scored), default=0.0)
            if best > 0:
                top = [s for score, s in scored if score == best]
                if all(s.countries and country not in s.countries for s in top):
                    return "another country's"
        return None

    def _other_country(
        self, question: str, entry_index: int, known: Sequence[str], unknown: Sequence[str]
    ) -> str | None:
        others = self._countries(known) - self._home
        for found in _SPEAKER.finditer(question):
            speaker = self._countries(self._tokens(found.group(1) or found.group(2)))
            if speaker and not speaker <= self._home:
                return "another country's words"
        # A country the pack never names, named alone ("Pakistan in Malabar?"), is what is
        # asked about; named in a list with the pack's own ("US, Australia, Japan, France?")
        # it is one of the options.
        strangers = self._countries(unknown) - self._home
        if strangers and not others and not _NAMING_STEMS.intersection(words(question)):
            return "another country's"
        if not others:
            return None
        if others <= self._left_out[entry_index] and _NAMING_STEMS.intersection(words(question)):
            return None
        # Named only to be left out ("without naming Russia"), it is not what the entry is about;
        # named, with a word the pack never uses ("Russia India 2+2 me kaun mile the"), the
        # question asks something of that country's dealings that the pack does not hold.
        # (A country the pack never names, "France" among the options, is no such word.)
        if not others <= self._affirmed[entry_index] or set(unknown) - self._country.keys():
            return "another country's dialogue"
        return None

    def _undefined(self, question: str, unknown: Sequence[str]) -> str | None:
        """A definition of something with a word the pack never uses (not a country, which
        `_other_country` reads): no entry defines it."""
        if not unknown:
            return None
        hindi = has_devanagari(question)
        found = (_DEFINITION_HI if hindi else _DEFINITION).search(question.strip())
        if not found:
            return None
        # Only a plain name: "what is the Indian counterpart in the JSST" asks a detail of
        # something defined, and a chatty "what's this X thing? is it like Y" is no name.
        subject = words(question[: found.start()] + " " + question[found.end() :])
        relations = _RELATION_WORDS_HI if hindi else _RELATION_WORDS
        if hindi:  # "भारत जापान संयुक्त वायु अभ्यास शिन्यू मैत्री": the countries name no thing
            subject = [w for w in subject if not self._countries(self._tokens(w))]
        if len(subject) > 5 or relations.intersection(subject) or "?" in question[:-1]:
            return None
        if any(self.normaliser.is_content(t) and t not in self._country for t in unknown):
            return "a thing the pack does not define"
        return None

    def _other_ordinal(self, entry_index: int, known: Sequence[str]) -> str | None:
        asked = self._ordinals(known)
        subject = self._subject_ordinals[entry_index]
        if not asked or not subject or asked & subject:
            return None
        rest = [t for t in known if t not in _ORDINALS]
        scored = [
            (sum(self.weight(t) for t in rest if t in s.tokens), s)
            for s in self._sentences[entry_index]
        ]
        best = max((score for score, _ in scored), default=0.0)
        top = [s for score, s in scored if score == best]
        if any(
            asked & self._ordinals(list(s.tokens)) or (1 in asked and _SINCE in s.tokens)
            for s in top
        ):
            return None
        return "another dialogue"

    def _other_ask(self, question: str, entry_index: int, tokens: set[str]) -> str | None:
        typed = words(question)
        said = set(typed)
        pairs = set(itertools.pairwise(typed))
        if (said & _OUTCOME_STEMS or _OUTCOME_PAIRS & pairs) and "outcome" not in self._intents[
            entry_index
        ]:
            return "outcomes"
        if (said & _WHERE_STEMS or _KAHA_WHERE.search(question)) and not self._places[entry_index]:
            return "a place"
        if said & _HOW_STEMS and said & _WORK_STEMS and not self._explains[entry_index]:
            return "how it works"
        wanted = tokens & _INSTANCE_STEMS
        if _AS_AN_INSTANCE.search(question):  # "noted as an example of": a kind, not instances
            wanted = wanted - _INSTANCE_STEMS
        # "put into operation" is said of what the entry writes as "operationalisation".
        wanted = {
            w for w in wanted - self._words[entry_index] if not self._writes_longer(w, entry_index)
        }
        if wanted:
            return "examples"
        asks_target = _AGAINST.search(question) or (
            _ON_WHOM.search(question) and _STRIKE.search(question)
        )
        if asks_target and not self._targets[entry_index]:
            return "a target"
        return (
            self._other_which(question, entry_index)
            or self._which_subject(question, entry_index)
            or self._no_one(question, entry_index, tokens)
            or self._other_named(question, entry_index)
        )

    def _other_named(self, question: str, entry_index: int) -> str | None:
        """A name of several capitalised words ("the India–Japan Digital Partnership") with a
        word the entry never writes: the question is about another thing of that name."""
        for run in _NAMED_RUN.findall(question):
            if len(re.split(r"[ –-]+", run)) < 2:
                continue
            named = [
                w
                for w in words(run)
                if self.normaliser.is_content(w) and not self._countries(self._tokens(w) or [w])
            ]
            if named and not set(named) <= self._written[entry_index]:
                return "another named thing"
        return None

    def _answer_clauses(
        self, answer: str, normaliser: Normaliser
    ) -> list[tuple[frozenset[str], bool, frozenset[str]]]:
        """An answer's clauses: their tokens, whether each names someone who acts, their
        countries. A Hindi sentence names its subject first and what was said after "कि",
        across commas ("मंत्रियों ने इस बात पर ज़ोर दिया कि सभी पक्ष …, … विवादों के
        शांतिपूर्ण समाधान …"), so each of its clauses has the sentence's actor."""
        clauses = []
        for sentence in _SENTENCE_END.split(answer):
            actor = has_devanagari(sentence) and bool(_AGENT.search(sentence))
            for piece in _CLAUSE.split(sentence):
                if tokens := normaliser.content_tokens(piece):
                    agent = actor or bool(_AGENT.search(piece))
                    clauses.append((frozenset(tokens), agent, self._countries(tokens)))
        return clauses

    def _no_one(self, question: str, entry_index: int, tokens: set[str]) -> str | None:
        """A "who" question whose clause in the answer about what is asked names no one who
        acts: no office or body, and no country but those the question itself names ("india
        se kaun gaya tha" is not answered by "the India–Japan 2+2 dialogue").

        The clause is found by the question's words that are not the entry's subject ("who
        signed RPSS": "signed", not "RPSS"), or by all of them when every word is the subject.
        """
        if not _WHO.search(question) or "who" in self._intents[entry_index]:
            return None
        rest = [t for t in tokens if t not in _WHO_WORDS]
        detail = [t for t in rest if t not in self._asked[entry_index]] or rest
        named = self._countries(rest)
        scored = [
            (sum(self.weight(t) for t in detail if t in clause), office or bool(countries - named))
            for clause, office, countries in self._clauses[entry_index]
        ]
        best = max((score for score, _ in scored), default=0.0)
        if best > 0 and not any(agent for score, agent in scored if score == best):
            return "a person"
        return None

    def _which_subject(self, question: str, entry_index: int) -> str | None:
        """ "कौन सा UGV देगा": which one of the very thing the entry is about, a detail an
        entry holds only when one of its phrasings asks it. Hindi only: "which MILAN
        exercise" is English for "the MILAN exercise"."""
        if not has_devanagari(question):
            return None
        for found in _WHICH_ANY.finditer(question):
            named = set(self._tokens(found.group(1) or "")) & self._named_subject[entry_index]
            if named - self._which_heads[entry_index]:
                return f"which {found.group(1)}"
        return None

    def _other_which(self, question: str, entry_index: int) -> str | None:
        """ "Which <thing>" where the entry says nothing of that thing ("which Japanese ship
        took part in MILAN": the MILAN card names no ship)."""
        for found in _WHICH.finditer(question):
            # The first word after "which" that is neither a stop word nor a country: the
            # whole rest is read, so that a term ("joint working group") folds as it does in
            # the entry.
            rest = question[found.start(1) if found.group(1) else found.start(2) :]
            typed = [
                w
                for w in words(rest)[:4]
                if w not in _COUNTS and not self._countries(self._tokens(w) or [w])
            ]
            if not typed or not self.normaliser.is_content(typed[0]) or typed[0].isdigit():
                continue
            head = typed[0]
            if head in _STOP_AFTER_WHICH:
                continue
            if not self._holds(head, entry_index):
                return f"which {head}"
        return self._what_of(question, entry_index)

    def _what_of(self, question: str, entry_index: int) -> str | None:
        """ "What is the <thing> of …" where the entry says nothing of that thing ("what is
        the budget of the joint working group"); what a thing means, is for or is like
        (`_ASPECTS`) any entry may be asked."""
        for found in _WHAT_OF.finditer(question):
            typed = words(found.group(1) or found.group(2))
            if not typed or not self.normaliser.is_content(typed[0]) or typed[0].isdigit():
                continue
            head = typed[0]
            if head in _ASPECTS or head in _STOP_AFTER_WHICH or self._countries([head]):
                continue
            if not self._holds(head, entry_index):
                return f"the {head} of it"
        return None

    def _writes_longer(self, word: str, entry_index: int) -> bool:
        """Whether the entry writes a longer form of `word` ("operationalis" of "operation")."""
        return len(word) >= 5 and any(w.startswith(word) for w in self._written[entry_index])

    def _holds(self, head: str, entry_index: int) -> bool:
        """Whether the entry holds the thing `head` names, or a thing of its kind."""
        kind = _KIND_NOUNS.get(head)
        if kind == "country":
            return bool(self._countries(list(self._words[entry_index])))
        if kind == "date":
            return any(_HAS_YEAR.search(" ".join(c)) for c, _, _ in self._clauses[entry_index])
        if kind == "who":
            return any(office for _, office, _ in self._clauses[entry_index])
        if kind == "ordinal":
            return bool(self._ordinals(list(self._words[entry_index])))
        # "Where"-like kinds are left to the place check; other things must be named, as
        # written or by a synonym the pack gives ("कौन सी बातचीत" for a card that says वार्ता,
        # both the pack's "dialogue").
        return (
            kind == "place"
            or head in self._written[entry_index]
            or not self._words[entry_index].isdisjoint(self._tokens(head))
        )
