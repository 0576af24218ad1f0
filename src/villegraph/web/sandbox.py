"""Take away a query worker's network, so that no query can make it call out.

The SPARQL guard (`villegraph.web.safety`) refuses SERVICE before a query runs; this is the
second line of defence, which does not depend on reading the query at all. A worker process
calls `deny_network()` once, before it opens the store:

1. **A network namespace of its own** (`unshare(CLONE_NEWNET)`): the worker then sees only a
   loopback interface that is down, so every connection, to any address, fails. This needs the
   CAP_SYS_ADMIN capability (a server started as root, or in a container that grants it).
2. **A seccomp filter** (Linux x86-64 and AArch64) that makes `socket(AF_INET | AF_INET6, …)`
   fail with EACCES: no IP socket can even be created. This works without privileges
   (`PR_SET_NO_NEW_PRIVS`), and is installed whether or not the namespace could be made.

Each step that succeeds is named in the answer; the server logs it when its workers start, and
warns when neither could be applied (another platform): the guard is then the only defence.
The worker's pipe to the server is a Unix socket made before, so it keeps working.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import platform
import socket
import struct

CLONE_NEWNET = 0x40000000
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_SECCOMP_RET_ALLOW = 0x7FFF0000
_SECCOMP_RET_ERRNO = 0x00050000
_BPF_LD_W_ABS = 0x20
_BPF_JEQ_K = 0x15
_BPF_RET_K = 0x06
_ARCHES = {
    # machine: (AUDIT_ARCH_*, number of the socket system call)
    "x86_64": (0xC000003E, 41),
    "aarch64": (0xC00000B7, 198),
}
_DENIED_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class _SockFilter(ctypes.Structure):
    _fields_ = [
        ("code", ctypes.c_uint16),
        ("jt", ctypes.c_uint8),
        ("jf", ctypes.c_uint8),
        ("k", ctypes.c_uint32),
    ]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None or platform.system() != "Linux":
        return None
    return ctypes.CDLL(name, use_errno=True)


def _own_namespace(libc: ctypes.CDLL) -> bool:
    return bool(libc.unshare(CLONE_NEWNET) == 0)


def _program(arch: int, socket_call: int) -> list[tuple[int, int, int, int]]:
    """BPF: on this architecture, socket() with an IP family fails with EACCES."""
    low_word_of_first_argument = 16  # offsetof(struct seccomp_data, args[0]), little-endian
    deny = _SECCOMP_RET_ERRNO | errno.EACCES
    return [
        (_BPF_LD_W_ABS, 0, 0, 4),  # arch
        (_BPF_JEQ_K, 0, 5, arch),  # another architecture: allow
        (_BPF_LD_W_ABS, 0, 0, 0),  # system call number
        (_BPF_JEQ_K, 0, 3, socket_call),  # not socket(): allow
        (_BPF_LD_W_ABS, 0, 0, low_word_of_first_argument),  # address family
        (_BPF_JEQ_K, 2, 0, _DENIED_FAMILIES[0]),
        (_BPF_JEQ_K, 1, 0, _DENIED_FAMILIES[1]),
        (_BPF_RET_K, 0, 0, _SECCOMP_RET_ALLOW),
        (_BPF_RET_K, 0, 0, deny),
    ]


def _seccomp(libc: ctypes.CDLL) -> bool:
    known = _ARCHES.get(platform.machine())
    if known is None or struct.calcsize("P") != 8:
        return False
    instructions = _program(*known)
    table = (_SockFilter * len(instructions))(*[_SockFilter(*i) for i in instructions])
    program = _SockFprog(len(instructions), table)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    return bool(libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(program), 0, 0) == 0)


def deny_network() -> list[str]:
    """Cut this process off the network as far as the platform allows; what was applied."""
    libc = _libc()
    if libc is None:
        return []
    applied = []
    if _own_namespace(libc):
        applied.append("network namespace")
    if _seccomp(libc):
        applied.append("seccomp socket filter")
    return applied


__all__ = ["deny_network"]
