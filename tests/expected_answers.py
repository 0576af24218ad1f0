"""What the source states, as several test modules check it (one copy of the expectations).

Chambon's talk (source lines 68–70) states these themes, each quoted by a subject statement;
the roll-ups are the broader themes they lead to.
"""

CHAMBON_TALK = frozenset(
    {
        "data-as-resource",
        "local-government",
        "open-data",
        "data-culture",
        "information-systems",
        "data-science",
        "administrative-change",
    }
)
CHAMBON_ROLLED_UP = frozenset({"data", "public-administration", "administrative-transformation"})
