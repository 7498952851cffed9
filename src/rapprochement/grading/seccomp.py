"""The seccomp filter of the grading sandbox: system calls a notebook never needs are refused.

The filter is compiled here, in the trusted grader, with libseccomp (through ``pyseccomp``, a
ctypes binding with the API of libseccomp's own Python module; libseccomp's own module is used
instead when it is the one installed). bubblewrap loads the compiled BPF program (``--seccomp
FD``) just before it starts the runner, so nothing inside the sandbox needs the binding, and
every process the notebook starts inherits the filter (with ``no_new_privs`` set, it cannot be
lifted).

Every other call is allowed (a deny list, as Flatpak's): what a notebook with pandas, numpy and
plotly does keeps working. Refused, with ``EPERM`` unless said otherwise:

* new namespaces of any kind: ``unshare``, ``setns``, ``clone`` with a ``CLONE_NEW*`` flag;
  ``clone3`` gets ``ENOSYS``, since its flags sit in memory a filter cannot read, and glibc
  then falls back to ``clone`` (threads and ``fork`` keep working);
* mounts: ``mount``, ``umount2``, ``pivot_root``, ``chroot`` and the new mount API
  (``move_mount``, ``open_tree``, ``fsopen``, ``fsconfig``, ``fsmount``, ``fspick``,
  ``mount_setattr``);
* reaching into other processes: ``ptrace``, ``process_vm_readv``/``writev``, ``kcmp``,
  ``pidfd_getfd``, ``process_madvise``;
* the kernel's large, often-exploited interfaces: ``bpf``, ``perf_event_open``,
  ``userfaultfd``, the key ring (``keyctl``, ``add_key``, ``request_key``), ``io_uring`` (ENOSYS:
  programs that probe for it fall back), kernel modules, ``kexec``, ``reboot``, swap, quotas,
  clock setting, ``syslog``, ``acct``, file handles (``open_by_handle_at``), ``fanotify``,
  x86 port and LDT access, ``personality`` other than Linux's default (no switching off address
  randomisation), and the terminal ioctls that push input (``TIOCSTI``, ``TIOCLINUX``);
* sockets of any family but ``AF_UNIX``, ``AF_INET`` and ``AF_INET6`` (``EAFNOSUPPORT``, the
  kernel's own answer for a family it lacks): no ``AF_VSOCK``, ``AF_PACKET``, ``AF_ALG``,
  Bluetooth ... (the sandbox's network namespace has only its loopback anyway). ``AF_NETLINK``
  only for ``NETLINK_ROUTE``, which ``socket.if_nameindex`` and ``getifaddrs`` use; netfilter,
  xfrm, audit, generic netlink and the rest get ``EPROTONOSUPPORT``.

Calls from another architecture's ABI (32-bit ``int 0x80`` on x86-64) kill the process:
libseccomp's filter accepts only the native one.
"""

from __future__ import annotations

import errno
import functools
import importlib
import os
import tempfile
from typing import Any

__all__ = ["FilterUnavailable", "REFUSED", "RETIRED", "program", "unknown_here"]


class FilterUnavailable(RuntimeError):
    """libseccomp or its Python binding is missing (the message says how to install them)."""


REFUSED: dict[int, tuple[str, ...]] = {
    errno.EPERM: (
        # namespaces
        "unshare",
        "setns",
        # mounts
        "mount",
        "umount",
        "umount2",
        "pivot_root",
        "chroot",
        "move_mount",
        "open_tree",
        "fsopen",
        "fsconfig",
        "fsmount",
        "fspick",
        "mount_setattr",
        # other processes
        "ptrace",
        "process_vm_readv",
        "process_vm_writev",
        "kcmp",
        "pidfd_getfd",
        "process_madvise",
        # kernel interfaces
        "bpf",
        "perf_event_open",
        "userfaultfd",
        "keyctl",
        "add_key",
        "request_key",
        "init_module",
        "finit_module",
        "delete_module",
        "create_module",
        "query_module",
        "get_kernel_syms",
        "kexec_load",
        "kexec_file_load",
        "reboot",
        "swapon",
        "swapoff",
        "syslog",
        "acct",
        "quotactl",
        "quotactl_fd",
        "lookup_dcookie",
        "nfsservctl",
        "uselib",
        "_sysctl",
        "vhangup",
        "open_by_handle_at",
        "name_to_handle_at",
        "fanotify_init",
        "settimeofday",
        "clock_settime",
        "clock_adjtime",
        "sethostname",
        "setdomainname",
        "iopl",
        "ioperm",
        "modify_ldt",
        "vm86",
        "vm86old",
    ),
    errno.ENOSYS: (
        # as if the kernel lacked them: callers fall back (glibc to clone, others to read/write)
        "clone3",
        "io_uring_setup",
        "io_uring_enter",
        "io_uring_register",
    ),
}

RETIRED = frozenset(
    {"umount", "create_module", "query_module", "get_kernel_syms", "nfsservctl", "uselib"}
    | {"_sysctl", "vm86", "vm86old", "lookup_dcookie", "iopl", "ioperm", "modify_ldt"}
)
"""Names above that some architectures do not have (x86-64 lacks several). A name this
machine's libseccomp does not know for its architecture is left out of the filter (an older
libseccomp lacks the newest calls); :func:`unknown_here` lists them, and the tests check that
on the test machines only these are left out, so that a misspelt name cannot slip through."""

NAMESPACE_FLAGS = {
    "CLONE_NEWNS": 0x00020000,
    "CLONE_NEWCGROUP": 0x02000000,
    "CLONE_NEWUTS": 0x04000000,
    "CLONE_NEWIPC": 0x08000000,
    "CLONE_NEWUSER": 0x10000000,
    "CLONE_NEWPID": 0x20000000,
    "CLONE_NEWNET": 0x40000000,
}
"""``clone`` flags refused (CLONE_NEWTIME only exists for clone3 and unshare, both refused)."""

AF_NETLINK, NETLINK_ROUTE = 16, 0
ALLOWED_FAMILIES = (1, 2, 10, AF_NETLINK)  # AF_UNIX, AF_INET, AF_INET6, and:
"""AF_NETLINK only for NETLINK_ROUTE, which the C library's interface list needs
(``socket.if_nameindex``, ``getifaddrs``); it shows only the sandbox's own loopback."""
TERMINAL_IOCTLS = (0x5412, 0x541C)  # TIOCSTI, TIOCLINUX


def _binding() -> Any:
    """libseccomp's Python module (pyseccomp, or libseccomp's own ``seccomp``)."""
    problems = []
    for name in ("pyseccomp", "seccomp"):
        try:
            return importlib.import_module(name)
        except ImportError as exc:
            problems.append(f"{name}: {exc}")
        except (OSError, RuntimeError) as exc:  # pyseccomp: "Unable to find libseccomp"
            problems.append(f"{name}: {exc}")
    raise FilterUnavailable(
        "the sandbox's seccomp filter needs libseccomp and its Python binding, and they are "
        "missing (" + "; ".join(problems) + "). Install the grading environment "
        "(make grading-env: it has pyseccomp) and libseccomp (Debian/Ubuntu: apt-get install "
        "libseccomp2)"
    )


def _build(sc: Any) -> Any:
    refused = sc.SyscallFilter(sc.ALLOW)

    for code, names in REFUSED.items():
        for name in names:
            if _known(sc, name):
                refused.add_rule(sc.ERRNO(code), name)
    deny = sc.ERRNO(errno.EPERM)
    for flag in NAMESPACE_FLAGS.values():
        refused.add_rule(deny, "clone", sc.Arg(0, sc.MASKED_EQ, flag, flag))
    # compared on all 64 bits: a family with high bits set (which the kernel would cut to an
    # int) is refused too
    _refuse_except(sc, refused, "socket", ALLOWED_FAMILIES, sc.ERRNO(errno.EAFNOSUPPORT))
    refused.add_rule(
        sc.ERRNO(errno.EPROTONOSUPPORT),
        "socket",
        sc.Arg(0, sc.EQ, AF_NETLINK),
        sc.Arg(2, sc.NE, NETLINK_ROUTE),
    )
    # only Linux's default: no switching off address randomisation and the like (as Flatpak,
    # the query personality(0xffffffff) is refused too; nothing a notebook runs makes it)
    refused.add_rule(sc.ERRNO(errno.EINVAL), "personality", sc.Arg(0, sc.NE, 0))
    for request in TERMINAL_IOCTLS:
        refused.add_rule(deny, "ioctl", sc.Arg(1, sc.MASKED_EQ, 0xFFFFFFFF, request))
    return refused


def _known(sc: Any, name: str) -> bool:
    try:
        return int(sc.resolve_syscall(sc.Arch.NATIVE, name)) >= 0
    except (ValueError, OSError):
        return False


def unknown_here() -> list[str]:
    """The refused calls left out here: unknown to this libseccomp for this architecture."""
    sc = _binding()
    return [name for names in REFUSED.values() for name in names if not _known(sc, name)]


def _refuse_except(sc: Any, refused: Any, name: str, allowed: tuple[int, ...], action: int) -> None:
    """Refuse ``name`` unless its first argument is one of ``allowed`` (small numbers).

    libseccomp takes one comparison per argument in a rule, so each refused value below the
    largest allowed one is a rule of its own, and one more rule refuses everything above it.
    """
    for value in range(max(allowed)):
        if value not in allowed:
            refused.add_rule(action, name, sc.Arg(0, sc.EQ, value))
    refused.add_rule(action, name, sc.Arg(0, sc.GT, max(allowed)))


@functools.lru_cache(maxsize=1)
def program() -> bytes:
    """The compiled BPF program (``struct sock_filter`` array), as bwrap ``--seccomp`` reads it."""
    sc = _binding()
    refused = _build(sc)
    with tempfile.TemporaryFile() as out:
        refused.export_bpf(out)
        out.flush()
        out.seek(0)
        data = out.read()
    if not data or len(data) % 8:
        raise FilterUnavailable(f"libseccomp produced no usable filter ({len(data)} bytes)")
    return data


def readable_fd() -> int:
    """A file descriptor open for reading at the start of :func:`program` (for bwrap)."""
    data = program()
    fd = os.memfd_create("rapprochement-seccomp", 0)
    try:
        os.write(fd, data)
        os.lseek(fd, 0, os.SEEK_SET)
    except OSError:
        os.close(fd)
        raise
    return fd
