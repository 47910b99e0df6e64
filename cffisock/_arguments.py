"""How the stdlib's argument parser names the type of a wrong argument."""


def parser_type_name(value):
    """The type in "argument N must be X, not <type>" messages, as CPython's
    argument parser (getargs and Argument Clinic) writes it: "None" for
    None, else the type's name.  (Errors raised elsewhere, such as the
    buffer protocol's, name NoneType.)"""
    return "None" if value is None else type(value).__name__
