"""The stdlib's enums over the constants: AddressFamily, SocketKind, MsgFlag
and AddressInfo, created exactly as the stdlib creates them (``_convert_``),
so ``cffisock.AF_INET`` is ``AddressFamily.AF_INET`` and prints like the
stdlib's on every Python version.

``install(namespace)`` puts the constants and the enums into the public
``cffisock`` namespace; the package calls it first thing.  (``_convert_``,
which the stdlib's ``socket`` module uses too, also writes the members into
the module it names, here the package being imported: ``install`` gives
the same namespace, constants first and the members over them.)
"""

import types
from enum import IntEnum, IntFlag

from cffisock._constants import CONSTANTS

_PUBLIC = "cffisock"
_source = types.SimpleNamespace(**CONSTANTS)


def _convert(enum_type, name, prefix):
    # The stdlib's filter: upper-case names only (AF_DECnet stays an int).
    return enum_type._convert_(
        name, _PUBLIC, lambda constant: constant.isupper()
        and constant.startswith(prefix), source=_source)


AddressFamily = _convert(IntEnum, "AddressFamily", "AF_")
SocketKind = _convert(IntEnum, "SocketKind", "SOCK_")
MsgFlag = _convert(IntFlag, "MsgFlag", "MSG_")
AddressInfo = _convert(IntFlag, "AddressInfo", "AI_")
ENUMS = (AddressFamily, SocketKind, MsgFlag, AddressInfo)


def install(namespace):
    """Put every constant into ``namespace`` (the package's globals), as
    enum members where an enum has one, and the four enums."""
    namespace.update(CONSTANTS)
    for enum in ENUMS:
        namespace.update(enum.__members__)
        namespace[enum.__name__] = enum


def _members(enum):
    return {int(member): member for member in enum.__members__.values()}


#: ``value -> AddressFamily member`` and ``value -> SocketKind member``; hot
#: paths use ``.get(value, value)`` to keep a number that has no member.
FAMILY_MEMBERS = _members(AddressFamily)
KIND_MEMBERS = _members(SocketKind)


def as_family(value):
    """The AddressFamily member for ``value`` (the plain int when none)."""
    return FAMILY_MEMBERS.get(value, value)


def as_kind(value):
    """The SocketKind member for ``value`` (the plain int when none)."""
    return KIND_MEMBERS.get(value, value)
