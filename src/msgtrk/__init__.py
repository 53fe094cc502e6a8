"""msgtrk: the IETF Message Tracking standards (RFC 3885-3888) and the DSN
formats they build on (RFC 3461, RFC 3463, RFC 3464), as a pure parsing and
encoding toolkit.

The format modules are imported on first use, so ``import msgtrk`` stays
cheap: ``msgtrk.tracking_status``, ``msgtrk.delivery_status``,
``msgtrk.esmtp``, ``msgtrk.mtqp``, ``msgtrk.status_codes`` and
``msgtrk.abnf``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from msgtrk._errors import (
    AbnfError,
    Defect,
    LimitError,
    LocalProtocolError,
    MsgtrkError,
    ParseError,
    ProtocolError,
    RemoteProtocolError,
    SerializeError,
)

if TYPE_CHECKING:
    from msgtrk import (
        abnf,
        contentmanager,
        delivery_status,
        esmtp,
        mtqp,
        status_codes,
        tracking_status,
    )

__all__ = [
    "AbnfError",
    "Defect",
    "LimitError",
    "LocalProtocolError",
    "MsgtrkError",
    "ParseError",
    "ProtocolError",
    "RemoteProtocolError",
    "SerializeError",
    "abnf",
    "contentmanager",
    "delivery_status",
    "esmtp",
    "mtqp",
    "status_codes",
    "tracking_status",
]

__version__ = "0.1.0"

_SUBMODULES = frozenset(
    {
        "abnf",
        "contentmanager",
        "delivery_status",
        "esmtp",
        "mtqp",
        "status_codes",
        "tracking_status",
    }
)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        module = importlib.import_module(f"msgtrk.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'msgtrk' has no attribute {name!r}")
