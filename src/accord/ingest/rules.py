"""accord's own coding rules layered on the CAMEO verb dictionary.

CAMEO's dictionary codes a verb by the words around it, but leaves many frequent verbs without a
default code and knows nothing of clause structure. These rules, from CAMEO's codebook conventions,
fill that in: which verbs only carry a complement ("said that ..."), which govern it ("threatened
to ...", "refused to ..."), what a future or modal complement means (intent), and a few noun-object
readings the pattern file misses (closing an office, cutting off talks, not letting up on attacks).
"""

from __future__ import annotations

# Verbs that report or frame another clause: the event is in the complement.
CARRIERS = frozenset({
    "say", "tell", "announce", "state", "report", "add", "claim", "declare", "note", "explain",
    "insist", "confirm", "believe", "think", "know", "describe", "remark", "stress", "indicate",
    "reveal", "disclose", "write", "quote", "hope", "expect", "seem", "appear", "make", "be", "have",
    "do", "go", "get", "try", "continue", "begin", "start", "decide", "come", "want", "seek", "need",
    "prepare", "mean", "use", "move", "attempt", "manage", "keep", "accord", "conclude",
    "inform", "suggest", "argue", "predict", "warn_that",
})
# Verbs whose own type governs the complement they introduce.
GOVERNORS = {
    "threaten": "130", "warn": "130", "vow": "030", "pledge": "030", "promise": "030", "offer": "030",
    "agree": "030", "refuse": "120", "reject": "120", "decline": "120", "deny": "120", "urge": "020",
    "demand": "100", "ask": "020", "call": "020", "appeal": "020", "press": "020", "request": "020",
    "invite": "020", "plan": "030", "intend": "030", "commit": "030", "propose": "030", "accuse": "112",
    "blame": "112", "condemn": "111", "criticize": "111", "criticise": "111", "praise": "051",
    "welcome": "051", "order": "170", "force": "170", "allow": "080", "permit": "080",
}
# Default codes for frequent verbs the dictionary leaves uncoded or codes too broadly.
FALLBACK = {
    "refuse": "120", "reject": "120", "deny": "120", "decline": "120", "rule": "120", "veto": "129",
    "urge": "020", "press": "020", "plead": "020", "call": "020", "demand": "100", "insist": "100",
    "warn": "130", "threaten": "130", "criticize": "111", "criticise": "111", "condemn": "111",
    "denounce": "111", "accuse": "112", "blame": "112", "protest": "141", "demonstrate": "141",
    "rally": "141", "strike": "143", "march": "141", "boycott": "143", "riot": "145",
    "attack": "190", "fight": "190", "kill": "190", "bomb": "183", "shell": "194", "clash": "190",
    "shoot": "190", "invade": "192", "occupy": "192", "arrest": "173", "detain": "173",
    "expel": "174", "deport": "174", "kidnap": "181", "abduct": "181", "seize": "171",
    "sanction": "163", "embargo": "163", "impose": "163", "ban": "172", "restrict": "172",
    "meet": "040", "visit": "042", "host": "043", "talk": "040", "discuss": "040", "negotiate": "046",
    "mediate": "045", "telephone": "041", "phone": "041", "welcome": "051", "praise": "051",
    "support": "051", "endorse": "051", "back": "051", "apologize": "055", "apologise": "055",
    "recognize": "054", "sign": "057", "agree": "030", "promise": "030", "pledge": "030",
    "cooperate": "060", "extradite": "063", "aid": "070", "donate": "070", "provide": "070",
    "help": "070", "grant": "070", "release": "0841", "free": "0841", "withdraw": "0872",
    "retreat": "0874", "surrender": "0874", "evacuate": "0872", "ease": "081", "lift": "085",
    "investigate": "090", "probe": "090", "mobilize": "154", "mobilise": "154", "deploy": "154",
    "mass": "154", "reinforce": "154", "block": "191", "blockade": "191", "cut": "160",
    "suspend": "160", "halt": "160", "break": "161", "recall": "161", "sever": "161",
    "condemned": "111", "defy": "128", "violate": "196", "resume": "040", "accept": "080",
    "concede": "080", "yield": "080", "compromise": "080", "destroy": "1712", "burn": "1712",
    "torture": "1822", "assassinate": "186", "hijack": "181", "raid": "190", "ambush": "190",
    "close": "160", "shut": "160", "oppose": "120", "dismiss": "120", "resist": "120",
}
# CAMEO codes of public statements (01x): no PLOVER event, so the clause defers to its complement.
STATEMENT_PREFIX = "01"
VENUE_NOUNS = frozenset({"office", "outpost", "embassy", "consulate", "mission", "bureau", "liaison", "venue",
                         "channel"})
TALK_NOUNS = frozenset({"talk", "talks", "meeting", "negotiation", "dialogue", "contact", "discussion",
                        "process", "conference"})
TIE_NOUNS = frozenset({"relation", "tie", "link"})
VIOLENCE_NOUNS = frozenset({
    "attack", "offensive", "violence", "fighting", "bombing", "raid", "assault", "insurgency", "campaign",
    "strike", "war", "hostility", "shelling", "killing",
})
STOPPING_VERBS = frozenset({"stop", "cease", "halt", "end", "suspend", "abandon", "let", "give", "call",
                            "scale"})
CONTINUING_VERBS = frozenset({"continue", "keep", "step", "escalate", "intensify", "launch", "carry",
                              "resume", "stage", "mount"})
CLOSING_VERBS = frozenset({"shut", "close", "cut", "suspend", "halt", "end", "break", "freeze", "sever",
                           "call", "pull"})
HYPOTHETICAL_GOVERNORS = frozenset({
    "threaten", "plan", "consider", "contemplate", "propose", "want", "hope", "seek", "intend", "may",
    "might", "could", "would", "offer", "suggest", "weigh", "mull",
})
MODALS = frozenset({"would", "could", "might", "may", "should", "will", "'ll", "shall", "wo", "ca", "must"})
PROTEST_NOUNS = frozenset({"rally", "demonstration", "protest", "march", "sit-in", "vigil"})
STRIKE_NOUNS = frozenset({"strike", "boycott", "walkout"})
STAGING_VERBS = frozenset({"stage", "hold", "organize", "organise", "call", "begin", "launch", "join",
                           "start", "go", "lead", "mount", "converge"})
NEGATORS = frozenset({"not", "n't", "never", "no", "neither", "nor"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
