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



def _convert(enum_type, name, prefix):
    # The stdlib's filter: upper-case names only (AF_DECnet stays an int).
    return enum_type._convert_(
        name, _PUBLIC, lambda constant: constant.isupper()
        and constant.startswith(prefix), source=_source)


AddressFamily = _convert(IntEnum, "AddressFamily", "AF_")
SocketKind = _convert(IntEnum, "SocketKind", "SOCK_")
MsgFlag = _convert(IntFlag, "MsgFlag", "MSG_")
AddressInfo = _convert(IntFlag, "AddressInfo", "AI_")

def _lookup(enum):
    table = {int(member): member for member in enum.__members__.values()}
    return lambda value: table.get(value, value)


#: ``value -> AddressFamily member`` (the plain int when there is none).
as_family = _lookup(AddressFamily)
#: ``value -> SocketKind member`` (the plain int when there is none).
as_kind = _lookup(SocketKind)
