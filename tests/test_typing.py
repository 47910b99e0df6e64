"""Type information: the stubs cffisock ships (``__init__.pyi``, ``tls.pyi``,
``py.typed``) held to the implementation, and the typed example program.

The stubs are read with ``ast``, so no type checker is needed here: every
public name, class member and enum member of the implementation must have a
stub, every function or method its parameters (names, kinds, whether they
have defaults), and what the stubs promise beyond the constants must exist.
Adding an API without its stub fails here.  CI's tox environment "typing"
runs ``mypy --strict`` on ``examples/typed_client.py`` against the installed
stubs; this file runs that program.
"""

import ast
import inspect
import subprocess
import sys
import tempfile
from functools import lru_cache
from pathlib import Path

import pytest

import cffisock
from cffisock import _legacy_ssl, tls
from support.cli import ENV
from support.introspection import public_members, public_module_names

PACKAGE = Path(cffisock.__file__).resolve().parent
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "typed_client.py"
VARIADIC = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


# -- reading the stubs ------------------------------------------------------------------


@lru_cache(maxsize=None)
def stub_tree(module):
    """The parsed stub of ``module`` (found beside the imported package)."""
    path = PACKAGE / ("__init__.pyi" if module is cffisock else "tls.pyi")
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def statements(body):
    """The statements of a stub body: of an ``if`` on ``sys.version_info``,
    the branch this Python takes; of any other ``if`` (platform checks),
    both branches."""
    for node in body:
        if isinstance(node, ast.If) and "version_info" in ast.dump(node.test):
            taken = eval(compile(ast.Expression(node.test), "<stub>", "eval"), {"sys": sys})
            yield from statements(node.body if taken else node.orelse)
        elif isinstance(node, ast.If):
            yield from statements(node.body)
            yield from statements(node.orelse)
        else:
            yield node


def bound_names(node):
    """The names a stub statement defines."""
    if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    if isinstance(node, ast.Assign):
        return [target.id for target in node.targets if isinstance(target, ast.Name)]
    return []


def definitions(body):
    """``{name: [statements defining it]}`` of a stub body (several for
    overloads and property setters)."""
    found = {}
    for node in statements(body):
        for name in bound_names(node):
            found.setdefault(name, []).append(node)
    return found


def stub_classes():
    return {node.name: node for module in (cffisock, tls)
            for node in statements(stub_tree(module).body)
            if isinstance(node, ast.ClassDef)}


def stub_members(class_name):
    """``{name: [definitions]}`` of a stub class, its stub base classes'
    included (the first in method resolution order wins)."""
    classes = stub_classes()
    order = [classes[class_name]]
    for klass in order:  # grows as bases are found: breadth-first is enough here
        order.extend(classes[base.id] for base in klass.bases
                     if isinstance(base, ast.Name) and base.id in classes)
    members = {}
    for klass in order:
        for name, nodes in definitions(klass.body).items():
            members.setdefault(name, nodes)
    return members


def is_constant(nodes):
    """A stub constant: ``NAME: Final...`` (absent at run time where the
    platform's headers lack it, as in the stdlib)."""
    return all(isinstance(node, ast.AnnAssign) and "Final" in ast.unparse(node.annotation)
               for node in nodes)


# -- comparing signatures ---------------------------------------------------------------


def stub_parameters(function):
    """``[(name, kind, has default)]`` of a stub ``def``."""
    kind = inspect.Parameter
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    first_default = len(positional) - len(arguments.defaults)
    parameters = [
        (argument.arg,
         kind.POSITIONAL_ONLY if position < len(arguments.posonlyargs)
         else kind.POSITIONAL_OR_KEYWORD,
         position >= first_default)
        for position, argument in enumerate(positional)]
    if arguments.vararg:
        parameters.append((arguments.vararg.arg, kind.VAR_POSITIONAL, False))
    parameters.extend((argument.arg, kind.KEYWORD_ONLY, default is not None)
                      for argument, default in zip(arguments.kwonlyargs, arguments.kw_defaults))
    if arguments.kwarg:
        parameters.append((arguments.kwarg.arg, kind.VAR_KEYWORD, False))
    return parameters


def describe(parameters):
    """A parameter list as a signature is written: ``(a, /, b=..., *, c)``."""
    kind = inspect.Parameter
    words = []
    for position, (name, parameter_kind, has_default) in enumerate(parameters):
        if parameter_kind is kind.KEYWORD_ONLY and not any(
                word.startswith("*") for word in words):
            words.append("*")
        prefix = {kind.VAR_POSITIONAL: "*", kind.VAR_KEYWORD: "**"}.get(parameter_kind, "")
        words.append(prefix + name + ("=..." if has_default else ""))
        if parameter_kind is kind.POSITIONAL_ONLY and (
                position + 1 == len(parameters)
                or parameters[position + 1][1] is not kind.POSITIONAL_ONLY):
            words.append("/")
    return "(%s)" % ", ".join(words)


def real_parameters(function):
    """``[(name, kind, has default)]`` of a real function, as inspect reads it."""
    return [(parameter.name, parameter.kind, parameter.default is not parameter.empty)
            for parameter in inspect.signature(function).parameters.values()]


def is_overload(function):
    return any(isinstance(decorator, ast.Name) and decorator.id == "overload"
               for decorator in function.decorator_list)


def in_order(part, whole):
    """Whether ``part`` is ``whole`` with some items left out."""
    remaining = iter(whole)
    return all(item in remaining for item in part)


def signature_problems(label, real, nodes):
    """What is wrong with the stub ``nodes`` of the function ``real``.

    A single ``def`` must match exactly.  Overloads may each leave out
    optional parameters, but must keep the real order and kinds, take every
    required one, and together name them all; where the real function takes
    ``*args``, an overload's positional-only parameters of other names stand
    for it (socket.sendto's two forms).
    """
    functions = [node for node in nodes if isinstance(node, ast.FunctionDef)]
    if not functions:
        return ["%s is a function, but its stub is not a def" % label]
    try:
        expected = real_parameters(real)
    except (TypeError, ValueError):
        return []  # no signature that inspect can read
    overloads = [function for function in functions if is_overload(function)]
    if not overloads:
        found = stub_parameters(functions[0])
        return [] if found == expected else [
            "%s: stub %s, real %s" % (label, describe(found), describe(expected))]
    problems = []
    required = {name for name, kind, has_default in expected
                if not has_default and kind not in VARIADIC}
    named = set()
    real_names = {name for name, _kind, _default in expected}
    variadic = [item for item in expected if item[1] == inspect.Parameter.VAR_POSITIONAL]
    for overload in overloads:
        found = stub_parameters(overload)
        if variadic:  # a real *args: an overload's own positional-only parameters stand for it
            extras = [item for item in found if item[0] not in real_names
                      and item[1] == inspect.Parameter.POSITIONAL_ONLY]
            if extras:
                at = found.index(extras[0])
                found = [item for item in found if item not in extras]
                found.insert(at, variadic[0])
        names = [name for name, _kind, _default in found]
        named.update(names)
        if not in_order([item[:2] for item in found], [item[:2] for item in expected]):
            problems.append("%s: overload %s is not in the order or kinds of %s"
                            % (label, describe(found), describe(expected)))
        if required - set(names):
            problems.append("%s: overload %s lacks required %s"
                            % (label, describe(found), sorted(required - set(names))))
    if named != real_names:
        problems.append("%s: overloads name %s, real %s"
                        % (label, sorted(named), [item[0] for item in expected]))
    return problems


# -- what the implementation makes public ------------------------------------------------


def class_problems(cls, members, instance=None):
    """What the stub class ``members`` (from stub_members) lacks, promises
    beyond ``cls``, or declares with other parameters than ``cls``."""
    real_names = public_members(cls, instance)
    stub_names = {name for name in members if not name.startswith("_")}
    problems = ["%s.%s has no stub" % (cls.__name__, name)
                for name in sorted(real_names - stub_names)]
    problems += ["the stub of %s promises %s, which it lacks" % (cls.__name__, name)
                 for name in sorted(stub_names - real_names)]
    for name in sorted((real_names & stub_names) | ({"__init__"} & set(members))):
        real = inspect.getattr_static(cls, name, None)
        if inspect.isfunction(real):
            problems += signature_problems("%s.%s" % (cls.__name__, name), real, members[name])
    return problems


# -- the tests --------------------------------------------------------------------------


def test_package_ships_the_typed_marker_and_stubs():
    # PEP 561: without py.typed a type checker ignores the installed stubs.
    assert (PACKAGE / "py.typed").is_file()
    assert (PACKAGE / "__init__.pyi").is_file()
    assert (PACKAGE / "tls.pyi").is_file()


@pytest.mark.parametrize("module", [cffisock, tls], ids=["cffisock", "tls"])
def test_every_public_name_has_a_stub(module):
    stubbed = definitions(stub_tree(module).body)
    assert sorted(public_module_names(module) - set(stubbed)) == []


@pytest.mark.parametrize("module", [cffisock, tls], ids=["cffisock", "tls"])
def test_what_the_stub_promises_exists(module):
    promised = {name for name, nodes in definitions(stub_tree(module).body).items()
                if not name.startswith("_") and not is_constant(nodes)}
    assert sorted(promised - public_module_names(module)) == []


@pytest.mark.parametrize("module", [cffisock, tls], ids=["cffisock", "tls"])
def test_module_functions_have_the_real_parameters(module):
    stubbed = definitions(stub_tree(module).body)
    problems = []
    for name in sorted(public_module_names(module) & set(stubbed)):
        value = getattr(module, name)
        if inspect.isfunction(value):
            problems += signature_problems(name, value, stubbed[name])
    assert problems == []


#: (real class, its stub class, a maker of an instance whose public
#: attributes count too, or None).
CLASSES = [
    (cffisock.socket, "socket", None),
    (tls.SSLContext, "SSLContext", lambda: tls.SSLContext(tls.PROTOCOL_TLS_CLIENT)),
    (tls.MemoryBIO, "MemoryBIO", tls.MemoryBIO),
    (tls.SSLSocket, "SSLSocket", None),
    (tls.SSLObject, "SSLObject", None),
    (tls.SSLSession, "SSLSession", None),
    (_legacy_ssl.SpecSSLObject, "_SpecSSLObject", None),
]


@pytest.mark.parametrize("cls, stub_name, make", CLASSES,
                         ids=[stub_name for _cls, stub_name, _make in CLASSES])
def test_class_members_have_stubs_with_the_real_parameters(cls, stub_name, make):
    assert class_problems(cls, stub_members(stub_name), make() if make else None) == []


@pytest.mark.parametrize("stub_name", ["socket", "SSLContext", "MemoryBIO"])
def test_constructors_are_typed(stub_name):
    # class_problems compares __init__ where the stub has one: these must.
    assert "__init__" in definitions(stub_classes()[stub_name].body)


@pytest.mark.parametrize("enum", [
    cffisock.AddressFamily, cffisock.SocketKind, cffisock.MsgFlag, cffisock.AddressInfo,
    tls.TLSVersion, tls.VerifyMode, tls.Options, tls.VerifyFlags,
], ids=lambda enum: enum.__name__)
def test_every_enum_member_has_a_stub(enum):
    stubbed = definitions(stub_classes()[enum.__name__].body)
    assert sorted(set(enum.__members__) - set(stubbed)) == []


def test_the_guard_reports_what_drifted():
    # What the class tests rely on: a method without a stub, a stub without
    # a method and a renamed parameter are each reported.
    class Real:
        def send(self, data, flags=0):
            pass

        def recv(self, bufsize):
            pass

    stub = ast.parse("class Real:\n"
                     "    def send(self, payload: bytes, flags: int = 0) -> int: ...\n"
                     "    def close(self) -> None: ...\n").body[0]
    problems = class_problems(Real, definitions(stub.body))
    assert len(problems) == 3
    assert problems[0] == "Real.recv has no stub"
    assert problems[1] == "the stub of Real promises close, which it lacks"
    assert problems[2] == "Real.send: stub (self, payload, flags=...), real (self, data, flags=...)"


def test_typed_example_runs():
    # Outside the source tree, like tests/test_main.py: the installed
    # cffisock is the one imported.
    result = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True,
                            text=True, env=ENV, timeout=30, cwd=tempfile.gettempdir())
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "resolved 127.0.0.1: AF_INET SOCK_STREAM ('127.0.0.1', 0)",
        "echo: sent b'typed hello', received b'typed hello', recvmsg flags [0]",
        "TLS: CERT_REQUIRED, check_hostname=True, minimum TLSv1_2, " + tls.OPENSSL_VERSION,
    ]
