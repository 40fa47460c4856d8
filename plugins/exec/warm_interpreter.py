# notifyd's warm interpreter: one per (user, interpreter). The exec plugin
# starts it as `<interpreter> - <padding>` with this program on stdin, as the scripts'
# user, with their clean environment and working directory. It pays Python's
# start-up once; every run is a fork of it that then behaves like
# `<interpreter> <script>`.
#
# Requests arrive on descriptor 4 (AF_UNIX, SOCK_SEQPACKET), fields split by NUL:
#   run    <run key> <script path> [NAME=value ...]   with 4 descriptors: stdout, stderr, status, hold
#   signal <run key> <signal number>                 to the run's process group, while it is not reaped
# On a run's status pipe go two native int32s: the child's pid (or -errno when
# fork failed), later its wait status; then the pipe is closed. The child
# starts the script only at the end of the hold pipe (the daemon first moves
# it into the run's cgroup).
# End of file on descriptor 4: every remaining run's group is killed and the
# interpreter exits.


def serve():
    import sys
    # `<interpreter> -` puts the working directory (the user's home) first on
    # the path: none of its modules may stand in for the ones imported here,
    # and a run gets the path `<interpreter> <script>` would have.
    if sys.path and sys.path[0] == "":
        del sys.path[0]
    import atexit
    import builtins
    import os
    import select
    import signal
    import types
    import _socket

    control = _socket.socket(fileno=4)
    wake_read, wake_write = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
    signal.set_wakeup_fd(wake_write)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    try:
        import ctypes
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except Exception:
        ctypes = prctl = None
    server_pid = os.getpid()
    descriptor_bytes = _socket.CMSG_SPACE(4 * 4)
    runs = {}  # run key -> (pid, status descriptor)

    # Rewrites what ps and pgrep -f show (/proc/self/cmdline) in the space
    # the launcher reserved with a padding argument: runs show as
    # `<interpreter> <script>`.
    def retitle(*words):
        if ctypes is None:
            return
        try:
            with open("/proc/self/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            start, end = int(fields[45]), int(fields[46])  # arg_start, arg_end
            title = b"\0".join(os.fsencode(word) for word in words)[:end - start - 1]
            ctypes.memmove(start, title.ljust(end - start, b"\0"), end - start)
        except (OSError, ValueError, IndexError):
            pass

    interpreter = getattr(sys, "orig_argv", [sys.executable])[0]
    retitle(interpreter, "(notifyd warm interpreter)")

    def int32(value):
        return value.to_bytes(4, sys.byteorder, signed=True)

    def write_status(descriptor, value):
        try:
            os.write(descriptor, int32(value))
        except OSError:
            pass

    # Whatever the run left in its group goes with it, while the unreaped
    # leader still holds the group id; then the leader is reaped and reported.
    def reap(key):
        pid, status = runs.pop(key)
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
        _, wait_status = os.waitpid(pid, 0)
        write_status(status, wait_status)
        os.close(status)

    def reap_finished():
        for key, (pid, _) in list(runs.items()):
            try:
                exited = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
            except ChildProcessError:
                exited = None
            if exited is not None:
                reap(key)

    def received_descriptors(ancillary):
        descriptors = []
        for level, kind, data in ancillary:
            if level == _socket.SOL_SOCKET and kind == _socket.SCM_RIGHTS:
                usable = len(data) - len(data) % 4
                descriptors += [int.from_bytes(data[i:i + 4], sys.byteorder) for i in range(0, usable, 4)]
        return descriptors

    # The run's marker in this process's own environment block (what
    # /proc/<pid>/environ shows, and what a fork inherits): the reserved slot
    # the daemon left in it is overwritten with the run's entry.
    slot = b"NOTIFYD_RUN_ID=" + b"-" * 20

    def mark(environment):
        entry = next((e.encode() for e in environment if e.startswith("NOTIFYD_RUN_ID=")), None)
        if ctypes is None or entry is None or len(entry) > len(slot):
            return
        try:
            with open("/proc/self/stat", "rb") as stat:
                fields = stat.read().rsplit(b")", 1)[1].split()
            start, end = int(fields[47]), int(fields[48])  # env_start, env_end
            at = ctypes.string_at(start, end - start).find(slot)
            if at >= 0:
                ctypes.memmove(start + at, entry.ljust(len(slot), b"\0"), len(slot))
        except (OSError, ValueError, IndexError):
            pass

    def run(key, script, environment, stdout, stderr, status, hold):
        try:
            pid = os.fork()
        except OSError as error:
            pid = -(error.errno or 1)
        if pid == 0:
            become_script(script, environment, stdout, stderr, hold)
        os.close(stdout)
        os.close(stderr)
        os.close(hold)
        write_status(status, pid)
        if pid > 0:
            runs[key] = (pid, status)
        else:
            os.close(status)

    # Never returns: the run ends in `finish`, with os._exit or a SystemExit
    # that unwinds to the top level as it would in `<interpreter> <script>`,
    # so nothing on the way may catch it or close descriptors.
    def become_script(script, environment, stdout, stderr, hold):
        try:
            os.read(hold, 1)
        except OSError:
            pass
        os.setsid()
        signal.set_wakeup_fd(-1)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        control.detach()
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(stdout, 1)
        os.dup2(stderr, 2)
        os.closerange(3, os.sysconf("SC_OPEN_MAX"))
        if prctl is not None:
            prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != server_pid:
                os._exit(1)
        for entry in environment:
            name, _, value = entry.partition("=")
            os.environ[name] = value
        mark(environment)
        retitle(interpreter, script)
        sys.argv[:] = [script]
        if hasattr(sys, "orig_argv"):
            sys.orig_argv[:] = [interpreter, script]
        sys.path.insert(0, os.path.dirname(os.path.realpath(script)))
        try:
            with open(script, "rb") as file:
                source = file.read()
        except OSError as error:
            sys.stderr.write(f"{sys.executable}: can't open file {script!r}: [Errno {error.errno}] {error.strerror}\n")
            finish(2)
        # A module of its own: this program's globals stay apart from the
        # script's, whatever names the script binds.
        from importlib.machinery import SourceFileLoader
        main = types.ModuleType("__main__")
        main.__dict__.update(__package__=None, __loader__=SourceFileLoader("__main__", script), __spec__=None,
                             __file__=script, __cached__=None, __builtins__=builtins)
        program = sys.modules["__main__"]  # noqa: F841 -- kept alive: this function's globals are its dict
        sys.modules["__main__"] = main
        sys.addaudithook(watch_writes)
        try:
            exec(compile(source, script, "exec"), main.__dict__)
            status = 0
        except SystemExit as stop:
            status = exit_status(stop)
        except BaseException as error:
            # The script's own frames only, as `python <script>` would print them.
            if isinstance(error, SyntaxError) or error.__traceback__ is None:
                error.__traceback__ = None
            else:
                error.__traceback__ = error.__traceback__.tb_next
            sys.excepthook(type(error), error, error.__traceback__)
            status = 1
        finish(status)

    # What `<interpreter> <script>` makes of a SystemExit that ends the script.
    def exit_status(stop):
        if stop.code is None:
            return 0
        if isinstance(stop.code, int):
            return stop.code & 0xFF
        try:
            sys.stderr.write(f"{stop.code}\n")
        except Exception:
            pass
        return 1

    # Whether the script opened a file for writing (bytecode caches aside).
    wrote_files = []

    def watch_writes(event, args):
        if event != "open" or wrote_files:
            return
        path, mode, flags = args
        writing = any(c in mode for c in "wax+") if isinstance(mode, str) else bool(flags & (os.O_WRONLY | os.O_RDWR))
        if writing and "__pycache__" not in os.fsdecode(path if isinstance(path, (str, bytes)) else ""):
            wrote_files.append(True)

    # Ends a run the way the interpreter ends: non-daemon threads are joined,
    # atexit callbacks run, standard streams are flushed (status 120 when that
    # fails). Tearing down the heap it shares with this server would copy
    # every page of it, so that step is skipped, unless the script may have
    # left a file open for writing: its buffers are flushed by that teardown.
    def finish(status):
        if wrote_files:
            raise SystemExit(status)
        threading = sys.modules.get("threading")
        if threading is not None:
            threading._shutdown()
        atexit._run_exitfuncs()
        for stream in (sys.stdout, sys.stderr):
            try:
                if stream is not None:
                    stream.flush()
            except Exception:
                status = 120
        os._exit(status)

    def handle(message, descriptors):
        fields = message.split(b"\0")
        command = fields[0]
        if command == b"run" and len(fields) >= 3 and len(descriptors) == 4:
            key = fields[1]
            script = os.fsdecode(fields[2])
            environment = [os.fsdecode(entry) for entry in fields[3:]]
            run(key, script, environment, *descriptors)
            return
        for descriptor in descriptors:
            os.close(descriptor)
        if command == b"signal" and len(fields) == 3 and fields[1] in runs:
            pid = runs[fields[1]][0]
            try:
                number = int(fields[2])
                try:
                    os.killpg(pid, number)
                except ProcessLookupError:
                    # Not yet in a group of its own (setsid is its first
                    # step), so it has no children yet either.
                    os.kill(pid, number)
            except (OSError, ValueError):
                pass

    poller = select.poll()
    poller.register(control.fileno(), select.POLLIN)
    poller.register(wake_read, select.POLLIN)
    while True:
        events = dict(poller.poll())
        if wake_read in events:
            try:
                while os.read(wake_read, 512):
                    pass
            except BlockingIOError:
                pass
        reap_finished()
        if control.fileno() not in events:
            continue
        message, ancillary, _, _ = control.recvmsg(65536, descriptor_bytes)
        descriptors = received_descriptors(ancillary)
        if not message and not descriptors:
            break
        handle(message, descriptors)

    for key in list(runs):
        reap(key)


serve()
