"""Hypothesis strategies for the mtqp models (one per model)."""

from hypothesis import strategies as st

from msgtrk import mtqp

__all__ = [
    "mtqp_bodies",
    "mtqp_codes",
    "mtqp_commands",
    "mtqp_envids",
    "mtqp_greetings",
    "mtqp_options",
    "mtqp_responses",
    "mtqp_secrets",
    "mtqp_texts",
    "mtqp_uris",
]

_XCHARS = "".join(chr(c) for c in range(33, 127) if chr(c) not in "+=")
_xtext = st.lists(
    st.one_of(
        st.sampled_from(_XCHARS),
        st.builds(lambda h: "+" + h, st.sampled_from(["2B", "3D", "20", "41"])),
    ),
    max_size=12,
).map("".join)
mtqp_envids = st.builds(lambda a, b: f"{a}@{b}", _xtext, _xtext)
mtqp_secrets = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
    min_size=1,
    max_size=40,
)
_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_domains = st.lists(_label, min_size=2, max_size=4).map(".".join)
mtqp_texts = st.text(
    alphabet=st.characters(min_codepoint=32, max_codepoint=126) | st.just("\t"), max_size=40
)
_namechars = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
    min_size=1,
    max_size=12,
)
mtqp_codes = st.one_of(st.sampled_from(list(mtqp.ResponseCode)), _namechars)
_keywords = st.from_regex(r"[A-Za-z][A-Za-z0-9-]{0,10}", fullmatch=True).filter(
    lambda k: k.upper() not in {"TRACK", "STARTTLS", "COMMENT", "QUIT"}
)

mtqp_commands = st.one_of(
    st.builds(mtqp.Track, envid=mtqp_envids, secret=mtqp_secrets),
    st.builds(mtqp.StartTLS, domain=_domains),
    st.builds(mtqp.Comment, text=st.none() | mtqp_texts),
    st.builds(mtqp.Quit),
    st.builds(mtqp.UnknownCommand, keyword=_keywords, arguments=st.none() | mtqp_texts),
)

_line = st.binary(max_size=60).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b""))
mtqp_bodies = st.lists(_line, max_size=6).map(lambda ls: b"".join(x + b"\r\n" for x in ls))


def _response(
    indicator: mtqp.Indicator, codes: list, text: str | None, body: bytes
) -> mtqp.Response:
    return mtqp.Response(
        indicator=indicator,
        codes=codes,
        text=text,
        body=body if indicator is mtqp.Indicator.OK_MULTI else None,
    )


mtqp_responses = st.builds(
    _response,
    st.sampled_from(list(mtqp.Indicator)),
    st.lists(mtqp_codes, max_size=3),
    st.none() | mtqp_texts,
    mtqp_bodies,
)

_params = st.lists(
    st.from_regex(r"[!-~]([!-~ ]{0,15}[!-~])?", fullmatch=True), min_size=1, max_size=3
).map("\r\n ".join)
mtqp_options = st.one_of(
    st.builds(mtqp.Option.starttls, required=st.booleans()),
    st.builds(
        mtqp.Option,
        name=st.from_regex(r"vnd\.[a-z]{1,5}\.[a-z]{1,8}\.[a-z0-9]{1,8}", fullmatch=True),
        parameters=st.none() | _params,
    ),
)
mtqp_greetings = st.one_of(
    st.builds(
        mtqp.Greeting.ready,
        text=st.none() | mtqp_texts,
        options=st.none() | st.lists(mtqp_options, max_size=3),
    ),
    st.builds(
        mtqp.Greeting.refuse,
        st.sampled_from([mtqp.ResponseCode.ADMIN, mtqp.ResponseCode.UNAVAILABLE]),
        st.none() | mtqp_texts,
        temporary=st.booleans(),
    ),
)
mtqp_uris = st.builds(
    mtqp.MtqpUri,
    host=_domains,
    port=st.none() | st.integers(1, 65535),
    envid=mtqp_envids.filter(bool),
    secret=mtqp_secrets,
)
