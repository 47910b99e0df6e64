"""Comparing cffisock with the stdlib: outcomes of the same operation."""

import enum
import socket as stdlib_socket

import cffisock


def outcome(function, *args):
    """What ``function(*args)`` did, in a form two socket modules share:
    ``("returned", value)`` or ``("raised", exception class name, errno)``."""
    try:
        return ("returned", function(*args))
    except Exception as exc:
        return ("raised", type(exc).__name__, getattr(exc, "errno", None))


def same_outcome(operation):
    """``(outcome of operation(stdlib socket module), outcome of
    operation(cffisock))``: the stdlib is the reference."""
    return outcome(operation, stdlib_socket), outcome(operation, cffisock)


def normalise(value):
    """Make a result comparable across the stdlib and cffisock: enum members
    become ``(class name, member name, value)``, so a plain int where the
    stdlib gives an AddressFamily member is a difference."""
    if isinstance(value, enum.Enum):
        return (type(value).__name__, value.name, int(value))
    if isinstance(value, (tuple, list)):
        return type(value)(normalise(item) for item in value)
    return value
