"""Inside the grading sandbox, the calls its seccomp filter refuses are refused, and normal
work is not.

Each probe runs as a notebook cell in a real sandbox (root's privileged bwrap in CI, the
unprivileged one for a normal user) and calls the system call directly (ctypes ``syscall``),
with arguments chosen so that the kernel itself would answer differently (EBADF, EFAULT,
EINVAL, success ...) if the filter let the call through: an expectation below fails when the
filter loses its rule (the few exceptions are named above REFUSED). System call numbers are
looked up outside, with libseccomp.
"""

from __future__ import annotations

import json

import pytest

from rapprochement.grading.settings import assignments

pytestmark = pytest.mark.grading

EPERM, ENOSYS, EINVAL = "EPERM", "ENOSYS", "EINVAL"
EAFNOSUPPORT, EPROTONOSUPPORT = "EAFNOSUPPORT", "EPROTONOSUPPORT"

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
SIGCHLD = 17
BAD = 1  # an address the kernel cannot read: EFAULT unless the call is refused before
HIGH = 1 << 32  # a high bit in a 32-bit argument, which the kernel drops

# name: (system call, arguments, what the filter answers); arguments are ints, "STR:..."
# (a C string), "SELF" (the caller's pid) or "PIPE" (a pipe's read end, not a terminal).
# Without the filter the kernel answers differently for each but these, which it refuses too
# (no capability, or no such module): move_mount, fsopen, pivot_root and reboot answer EPERM
# either way, and AF_X25 is missing from most kernels.
REFUSED: dict[str, tuple[str, tuple[object, ...], str]] = {
    "unshare user": ("unshare", (CLONE_NEWUSER,), EPERM),
    "unshare user+mount+net": ("unshare", (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET,), EPERM),
    "clone user": ("clone", (CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), EPERM),
    "clone user+net": ("clone", (CLONE_NEWUSER | CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0), EPERM),
    "setns": ("setns", (-1, 0), EPERM),
    "clone3": ("clone3", (0, 0), ENOSYS),
    "mount": ("mount", ("STR:none", "STR:/tmp", BAD, 0, 0), EPERM),
    "umount2": ("umount2", ("STR:/tmp", 0xDEAD0000), EPERM),
    "move_mount": ("move_mount", (-1, 0, -1, 0, 0xFFFFFFFF), EPERM),
    "open_tree": ("open_tree", (-1, 0, 0xFFFFFFFF), EPERM),
    "fsopen": ("fsopen", (0, 0), EPERM),
    "pivot_root": ("pivot_root", ("STR:/tmp", "STR:/tmp"), EPERM),
    "chroot": ("chroot", ("STR:/no/such/folder",), EPERM),
    "ptrace": ("ptrace", (16, 999_999_999, 0, 0), EPERM),  # PTRACE_ATTACH, no such process
    "process_vm_readv": ("process_vm_readv", ("SELF", 0, 0, 0, 0, 0), EPERM),
    "process_vm_writev": ("process_vm_writev", ("SELF", 0, 0, 0, 0, 0), EPERM),
    "kcmp": ("kcmp", ("SELF", "SELF", 0, 0, 0), EPERM),  # KCMP_FILE
    "pidfd_getfd": ("pidfd_getfd", (-1, 0, 0), EPERM),
    "keyctl": ("keyctl", (0, -3, 0), EPERM),  # the session keyring's id
    "add_key": ("add_key", (BAD, BAD, 0, 0, -3), EPERM),
    "request_key": ("request_key", (BAD, BAD, 0, 0), EPERM),
    "bpf": ("bpf", (0, BAD, 0xFFFFFFFF), EPERM),
    "perf_event_open": ("perf_event_open", (BAD, 0, -1, -1, 0), EPERM),
    "userfaultfd": ("userfaultfd", (0xFFFFFFFF,), EPERM),
    "io_uring_setup": ("io_uring_setup", (1, BAD), ENOSYS),
    "io_uring_enter": ("io_uring_enter", (-1, 0, 0, 0, 0, 0), ENOSYS),
    "init_module": ("init_module", (0, 0, BAD), EPERM),
    "finit_module": ("finit_module", (-1, BAD, 0), EPERM),
    "delete_module": ("delete_module", ("STR:no_such_module", 0), EPERM),
    "kexec_load": ("kexec_load", (0, 0, 0, 0), EPERM),
    "reboot": ("reboot", (0, 0, 0, 0), EPERM),
    "clock_settime": ("clock_settime", (0, BAD), EPERM),
    "modify_ldt": ("modify_ldt", (0, 0, 0), EPERM),
    "name_to_handle_at": ("name_to_handle_at", (-1, BAD, BAD, BAD, 0), EPERM),
    "socket AF_VSOCK": ("socket", (40, 1, 0), EAFNOSUPPORT),
    "socket AF_VSOCK, high bits set": ("socket", (40 | HIGH, 1, 0), EAFNOSUPPORT),
    "socket AF_NETLINK netfilter": ("socket", (16, 3, 12), EPROTONOSUPPORT),
    "socket AF_NETLINK generic": ("socket", (16, 3, 16), EPROTONOSUPPORT),
    "socket AF_NETLINK xfrm": ("socket", (16, 3, 6), EPROTONOSUPPORT),
    "socket AF_NETLINK route, high bits": ("socket", (16, 3, HIGH), EPROTONOSUPPORT),
    "socket AF_XDP": ("socket", (44, 3, 0), EAFNOSUPPORT),
    "socket AF_X25, a family below AF_INET6": ("socket", (9, 5, 0), EAFNOSUPPORT),
    "socket AF_PACKET": ("socket", (17, 3, 0), EAFNOSUPPORT),
    "personality ADDR_NO_RANDOMIZE": ("personality", (0x0040000,), EINVAL),
    "personality READ_IMPLIES_EXEC": ("personality", (0x0400000,), EINVAL),
    "ioctl TIOCSTI": ("ioctl", ("PIPE", 0x5412, BAD), EPERM),
}

PROBE = r"""
import ctypes, errno, json, os
libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
read_end, write_end = os.pipe()
keep = []
def arg(a):
    if a == "SELF":
        return ctypes.c_long(os.getpid())
    if a == "PIPE":
        return ctypes.c_long(read_end)
    if isinstance(a, str):
        buf = ctypes.create_string_buffer(a[4:].encode())
        keep.append(buf)
        return ctypes.cast(buf, ctypes.c_void_p)
    return ctypes.c_long(a) if a < 2**63 else ctypes.c_ulong(a)
def call(number, args):
    # in a child: a call the filter let through must not change this process
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        me = os.getpid()
        ctypes.set_errno(0)
        ret = libc.syscall(ctypes.c_long(number), *[arg(a) for a in args])
        err = ctypes.get_errno()
        if os.getpid() != me:  # a clone the filter let through: its child only leaves
            os._exit(0)
        os.write(w, json.dumps(errno.errorcode.get(err, str(err)) if ret == -1 else "ok").encode())
        os._exit(0)
    os.close(w)
    data = os.read(r, 200)
    os.close(r)
    os.waitpid(pid, 0)
    return json.loads(data) if data else "killed"
print(json.dumps({name: call(number, args) for name, (number, args) in PROBES.items()}))
"""


def syscall_numbers(names):
    pyseccomp = pytest.importorskip("pyseccomp")
    return {n: pyseccomp.resolve_syscall(pyseccomp.Arch.NATIVE, n) for n in names}


def run_in_sandbox(source: str):
    from conftest import require_sandbox

    from rapprochement.grading.sandbox import Policy, run_cells

    require_sandbox()
    cell = {"i": 0, "kind": "code", "source": source.strip()}
    result = run_cells([cell], Policy(cell_timeout=60))
    assert result.cells[0].status == "ok", result.cells[0].outputs
    return "".join(
        o.get("text", "")
        for o in result.cells[0].outputs
        if o.get("output_type") == "stream" and o.get("name") == "stdout"
    )


def probe(probes: dict[str, tuple[str, tuple[object, ...], str]]) -> dict[str, str]:
    numbers = syscall_numbers({call for call, _, _ in probes.values()})
    plan = {name: (numbers[call], list(args)) for name, (call, args, _) in probes.items()}
    source = f"PROBES = json.loads({json.dumps(plan)!r})\n" + PROBE
    return json.loads(run_in_sandbox("import json\n" + source).strip().splitlines()[-1])


def test_each_refused_call_is_refused():
    answers = probe(REFUSED)
    wrong = {
        name: f"{answers.get(name)} (expected {expected})"
        for name, (_, _, expected) in REFUSED.items()
        if answers.get(name) != expected
    }
    assert not wrong, wrong


def test_no_new_user_namespace_no_root_no_tmpfs():
    """The attack the filter closes: ``unshare -rmn`` gave uid 0 with every capability, a
    tmpfs past the scratch limit and netfilter's netlink."""
    out = run_in_sandbox(
        "import json, subprocess\n"
        "runs = [subprocess.run(c, capture_output=True, text=True) for c in (\n"
        "    ['unshare', '-r', 'id', '-u'],\n"
        "    ['unshare', '-rn', 'cat', '/proc/self/status'],\n"
        "    ['unshare', '-rmn', 'sh', '-c', 'id -u; mount -t tmpfs none /tmp; echo mounted'],\n"
        ")]\n"
        "print(json.dumps([[p.returncode, p.stdout, p.stderr] for p in runs]))\n"
    )
    for code, stdout, stderr in json.loads(out.strip().splitlines()[-1]):
        assert code != 0 and stdout == "", (code, stdout, stderr)
        assert "unshare failed: Operation not permitted" in stderr, stderr


NORMAL_WORK = r"""
import json, os, socket, subprocess, threading, uuid, tempfile, time
import concurrent.futures
import numpy as np, pandas as pd, plotly.express as px
import rapprochement.data as d
seen = {}
trade = d.load_trade()
seen["pandas"] = int(trade.groupby(trade.columns[0]).size().sum()) == len(trade)
seen["numpy"] = float(np.linalg.solve(np.eye(3) * 2, np.ones(3)).sum()) == 1.5
seen["plotly"] = "data" in json.loads(px.line(x=[1, 2], y=[3, 4]).to_json())
results = []
threads = [threading.Thread(target=lambda: results.append(sum(range(1000)))) for _ in range(4)]
[t.start() for t in threads]; [t.join() for t in threads]
seen["threads"] = results == [499500] * 4
with concurrent.futures.ThreadPoolExecutor(2) as pool:
    seen["thread pool"] = list(pool.map(abs, [-1, -2])) == [1, 2]
pid = os.fork()
if pid == 0:
    os._exit(7)
seen["fork"] = os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7
seen["subprocess"] = subprocess.run(["sh", "-c", "echo hi"], capture_output=True).stdout == b"hi\n"
a, b = socket.socketpair()
a.sendall(b"x"); seen["unix socketpair"] = b.recv(1) == b"x"
server = socket.socket(); server.bind(("127.0.0.1", 0)); server.listen(1)
client = socket.create_connection(server.getsockname()); conn, _ = server.accept()
client.sendall(b"y"); seen["loopback tcp"] = conn.recv(1) == b"y"
six = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); six.close(); seen["inet6"] = True
seen["getaddrinfo"] = bool(socket.getaddrinfo("127.0.0.1", 80))
seen["interfaces"] = [n for _, n in socket.if_nameindex()] == ["lo"]
seen["uuid"] = len(str(uuid.uuid4())) == 36
with tempfile.NamedTemporaryFile() as f:
    f.write(b"z"); f.flush(); seen["tmp file"] = os.path.getsize(f.name) == 1
seen["clock"] = time.time() > 0 and time.monotonic() > 0
print(json.dumps(seen))
"""


def test_normal_work_still_works():
    seen = json.loads(run_in_sandbox(NORMAL_WORK).strip().splitlines()[-1])
    assert seen and all(seen.values()), seen
    assert len(seen) == NORMAL_WORK.count("seen[")


@pytest.mark.parametrize("assignment", assignments())
def test_model_answers_run_cleanly_inside(assignment):
    """Each problem set's model answers and all its tests, hidden ones too, run in the
    sandbox without an error: what students write (pandas, numpy, plotly) is not refused."""
    import nbformat
    from conftest import require_sandbox

    from rapprochement.grading.sandbox import Policy, run_cells
    from rapprochement.grading.settings import source_root

    require_sandbox()
    nb = nbformat.read(source_root() / assignment / f"{assignment}.ipynb", as_version=4)
    cells = [
        {"i": i, "kind": "code", "source": c.source}
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
    ]
    result = run_cells(cells, Policy(cell_timeout=60))
    bad = {i: (c.status, c.outputs) for i, c in result.cells.items() if c.status != "ok"}
    assert not bad, bad
    assert len(result.cells) == len(cells) > 3


@pytest.fixture
def user_namespace_sandbox(monkeypatch):
    """The sandbox a normal user (an instructor on the hub) gets: bwrap in a user namespace,
    with --disable-userns. Run by root, bwrap makes the same namespaces."""
    from rapprochement.grading import sandbox

    monkeypatch.setattr(sandbox, "_is_root", lambda: False)
    if sandbox.bwrap_version() < (0, 8):
        pytest.skip(f"bubblewrap {sandbox.bwrap_version()} lacks --disable-userns")


def test_each_refused_call_is_refused_in_the_user_namespace_sandbox(user_namespace_sandbox):
    answers = probe(REFUSED)
    wrong = {
        name: f"{answers.get(name)} (expected {expected})"
        for name, (_, _, expected) in REFUSED.items()
        if answers.get(name) != expected
    }
    assert not wrong, wrong


def test_disable_userns_refuses_a_namespace_even_without_the_filter(
    user_namespace_sandbox, monkeypatch
):
    """Two layers: with the filter's namespace rules taken out, bwrap's --disable-userns
    (user.max_user_namespaces = 1 inside) still refuses a new user namespace."""
    from rapprochement.grading import seccomp

    names = ("unshare", "setns", "clone3")
    refused = {
        code: tuple(n for n in calls if n not in names) for code, calls in seccomp.REFUSED.items()
    }
    monkeypatch.setattr(seccomp, "REFUSED", refused)
    monkeypatch.setattr(seccomp, "NAMESPACE_FLAGS", {})
    seccomp.program.cache_clear()
    try:
        answers = probe({k: v for k, v in REFUSED.items() if k.startswith(("unshare", "clone "))})
    finally:
        monkeypatch.undo()
        seccomp.program.cache_clear()
    assert answers == {
        "unshare user": "ENOSPC",
        "unshare user+mount+net": "ENOSPC",
        "clone user": "ENOSPC",
        "clone user+net": "ENOSPC",
    }


def test_without_libseccomp_grading_refuses_unless_told(tmp_path, monkeypatch):
    """No binding or no libseccomp: no sandbox is started, grading refuses as when bwrap is
    missing and says what to install; --unsafe-no-sandbox still grades (every row flagged)."""
    import sys

    from rapprochement.grading import seccomp
    from rapprochement.grading.runner import UNSANDBOXED, SandboxRefused, grade_submissions
    from rapprochement.grading.sandbox import Policy, SandboxUnavailable, probe, run_cells
    from rapprochement_support.samples import make_sample, write_sample

    monkeypatch.setitem(sys.modules, "pyseccomp", None)  # import fails, as when not installed
    monkeypatch.setitem(sys.modules, "seccomp", None)
    seccomp.program.cache_clear()
    try:
        why = probe()
        assert "libseccomp" in why and "apt-get install libseccomp2" in why, why
        with pytest.raises(SandboxUnavailable, match="libseccomp"):
            run_cells([{"i": 0, "kind": "code", "source": "1"}], Policy())
        solved = make_sample("ps1-trade-statistics", "solved")
        write_sample(solved, tmp_path / "subs" / "a.ipynb")
        with pytest.raises(SandboxRefused, match="libseccomp.*--unsafe-no-sandbox"):
            grade_submissions(tmp_path / "subs", out=tmp_path / "out", feedback=False)
        result = grade_submissions(
            tmp_path / "subs", out=tmp_path / "out", jobs=1, feedback=False, unsafe_no_sandbox=True
        )
        assert result.rows[0].flags == [UNSANDBOXED]
        assert result.rows[0].total == solved.expected_auto
    finally:
        monkeypatch.undo()
        seccomp.program.cache_clear()
    assert probe() == ""


def test_only_calls_this_architecture_lacks_are_left_out_of_the_filter():
    """A misspelt name would be left out silently; only the retired calls may be."""
    from rapprochement.grading import seccomp

    pytest.importorskip("pyseccomp")
    left_out = seccomp.unknown_here()
    assert set(left_out) <= seccomp.RETIRED, left_out
    assert "umount2" not in left_out and "unshare" not in left_out
