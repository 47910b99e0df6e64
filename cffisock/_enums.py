"""The stdlib's enums over the constants: AddressFamily, SocketKind, MsgFlag
and AddressInfo, created exactly as the stdlib creates them (``_convert_``),
so ``cffisock.AF_INET`` is ``AddressFamily.AF_INET`` and prints like the
stdlib's on every Python version.

Importing this module installs the constants and the enums into the public
``cffisock`` namespace, which must be importing at that moment.
"""

import sys
import types
from enum import IntEnum, IntFlag

from cffisock._constants import CONSTANTS

_PUBLIC = "cffisock"
_source = types.SimpleNamespace(**CONSTANTS)
sys.modules[_PUBLIC].__dict__.update(CONSTANTS)

AddressFamily = IntEnum._convert_(
    "AddressFamily", _PUBLIC, lambda name: name.startswith("AF_"), source=_source)
SocketKind = IntEnum._convert_(
    "SocketKind", _PUBLIC, lambda name: name.startswith("SOCK_"), source=_source)
MsgFlag = IntFlag._convert_(
    "MsgFlag", _PUBLIC, lambda name: name.startswith("MSG_"), source=_source)
AddressInfo = IntFlag._convert_(
    "AddressInfo", _PUBLIC, lambda name: name.startswith("AI_"), source=_source)


def _lookup(enum):
    table = {int(member): member for member in enum.__members__.values()}
    return lambda value: table.get(value, value)


#: ``value -> AddressFamily member`` (the plain int when there is none).
as_family = _lookup(AddressFamily)
#: ``value -> SocketKind member`` (the plain int when there is none).
as_kind = _lookup(SocketKind)
