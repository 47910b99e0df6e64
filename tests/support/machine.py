"""What this machine's own files say, read at run time: the names and
addresses of /etc/hosts (and whether /etc/nsswitch.conf has the C library
read it first), the first entries of /etc/services and /etc/protocols, and
the network interfaces of /sys/class/net.  The resolver's tests look up
only what these files answer, so no lookup reaches DNS.
"""

import os
import socket as stdlib

import pytest

from support.comparison import call_case


# -- the machine's tables ---------------------------------------------------------------


def read_table(path):
    """The rows of a system table file: each non-empty line split into
    fields, '#' to the end of the line being a comment."""
    try:
        with open(path) as table:
            lines = table.read().splitlines()
    except OSError:
        return []
    rows = [line.split("#", 1)[0].split() for line in lines]
    return [fields for fields in rows if fields]


def address_family(address):
    """AF_INET or AF_INET6 for a numeric address (a %scope is ignored),
    else None."""
    for family in (stdlib.AF_INET, stdlib.AF_INET6):
        try:
            stdlib.inet_pton(family, address.split("%", 1)[0])
            return family
        except OSError:
            pass
    return None


def hosts_file():
    """``({name: families}, [addresses])`` of /etc/hosts (lower-cased names:
    the C library compares them without case)."""
    families, addresses = {}, []
    for address, *names in read_table("/etc/hosts"):
        family = address_family(address)
        if family is None:
            continue
        if address not in addresses:
            addresses.append(address)
        for name in names:
            families.setdefault(name.lower(), set()).add(family)
    return families, addresses


def hosts_file_first():
    """True if /etc/nsswitch.conf has the C library read /etc/hosts before
    any other source of host names.  (Without a hosts line glibc asks DNS
    first.)"""
    for fields in read_table("/etc/nsswitch.conf"):
        if fields[0] == "hosts:":
            return fields[1:2] == ["files"]
    return False


HOST_FAMILIES, HOST_ADDRESSES = hosts_file()
HOSTS_FIRST = hosts_file_first()
HOST_NAMES = sorted(HOST_FAMILIES)
#: The addresses of /etc/hosts a reverse lookup finds there (the C library
#: cannot match an entry with a %scope, so those would go on to DNS).
REVERSE_ADDRESSES = [address for address in HOST_ADDRESSES if "%" not in address]
IPV4_NAMES = [name for name in HOST_NAMES if stdlib.AF_INET in HOST_FAMILIES[name]]
HOSTNAME = stdlib.gethostname()
HOSTNAME_LISTED = HOSTNAME.lower() in HOST_FAMILIES


def listed(name, family=stdlib.AF_INET):
    return family in HOST_FAMILIES.get(name.lower(), ())


#: getnameinfo's NI_NOFQDN (when a name is found) makes glibc look up
#: 'localhost', this host's name and 127.0.0.1 to learn the local domain.
NOFQDN_LOCAL = (listed("localhost") and "127.0.0.1" in REVERSE_ADDRESSES
                and ("." in HOSTNAME or listed(HOSTNAME)))

needs_hosts_file = pytest.mark.skipif(
    not HOSTS_FIRST, reason="/etc/nsswitch.conf does not consult /etc/hosts first: "
    "a name lookup could reach DNS")


def services():
    """``[(name, port, protocol)]`` of the first 40 entries of /etc/services."""
    entries = []
    for fields in read_table("/etc/services")[:40]:
        port, _, protocol = fields[1].partition("/")
        entries.append((fields[0], int(port), protocol))
    return entries


SERVICES = services()
SERVICE_NAMES = sorted({name for name, _, _ in SERVICES})
SERVICE_PORTS = sorted({port for _, port, _ in SERVICES})
#: A service name for the port arguments of getaddrinfo (SOCK_STREAM).
TCP_SERVICE = next((name for name, _, protocol in SERVICES if protocol == "tcp"), None)
PROTOCOLS = read_table("/etc/protocols")[:20]
PROTOCOL_NAMES = [fields[0] for fields in PROTOCOLS]
PROTOCOL_ALIASES = [fields[2] for fields in PROTOCOLS if len(fields) > 2]


def sysfs_interfaces():
    """``{name: index}`` from /sys/class/net: an independent source."""
    interfaces = {}
    try:
        names = os.listdir("/sys/class/net")
    except OSError:
        return interfaces
    for name in names:
        try:
            with open("/sys/class/net/%s/ifindex" % name) as index:
                interfaces[name] = int(index.read())
        except (OSError, ValueError):
            pass
    return interfaces


SYSFS_INTERFACES = sysfs_interfaces()
if hasattr(stdlib, "if_nameindex"):
    INTERFACES = dict((name, index) for index, name in stdlib.if_nameindex())
else:  # PyPy
    INTERFACES = SYSFS_INTERFACES
LOOPBACK_INTERFACE = "lo" if "lo" in INTERFACES else None

needs_lo = pytest.mark.skipif(LOOPBACK_INTERFACE is None, reason="no interface named 'lo'")


def sysfs_index(name):
    """``like`` for if_nametoindex(name): the index /sys/class/net gives."""
    def like(mod):
        if name not in SYSFS_INTERFACES:
            raise OSError("no interface with this name")
        return SYSFS_INTERFACES[name]
    return like


def sysfs_name(index):
    """``like`` for if_indextoname(index): the name /sys/class/net gives."""
    def like(mod):
        return next(name for name, number in SYSFS_INTERFACES.items() if number == index)
    return like


def sysfs_nameindex(mod):
    return sorted((index, name) for name, index in SYSFS_INTERFACES.items())


def name_case(call, marks=(), **options):
    """A case that looks up a name or an address of /etc/hosts."""
    return call_case(call, marks=[needs_hosts_file, *marks], **options)


def name_cases(calls, **options):
    return [name_case(call, **options) for call in calls]

