"""A bounded load test of the web app's JSON API: `studyrag bench load`.

A fixed number of real questions (the English eval suites, multiple choice with its options)
is sent to ``/ask`` by N client threads over plain HTTP, the way gradio_client does it:
``POST /gradio_api/call/ask`` queues the call and returns an event id, ``GET
/gradio_api/call/ask/<id>`` streams server-sent events until ``complete`` or ``error``.
Meanwhile a monitor polls ``/gradio_api/queue/status`` (requests waiting in Gradio's queue)
and the server's process tree (RSS), so the report has the deepest queue and the peak
memory seen. Everything stops at a global deadline; unfinished requests count as failures.

Only loopback servers are tested: one started here (``studyrag ui`` in a subprocess on a
free 127.0.0.1 port, stopped afterwards) or ``--url`` of one already running on this host.
"""
# Over 400 lines: the load benchmark (clients, shedding, memory of the process tree) and its report are one measurement.

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from studyrag.eval.metrics import percentile

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studyrag.settings import Settings

SUITES = Path(__file__).resolve().parent / "suites"
LOAD_SUITES = ("scenarios", "paraphrase", "faq", "mcq")  # English, in scope; zh would load the translator


class LoadError(RuntimeError):
    """The load test could not run (bad URL, server did not start); one line."""


@dataclass
class LevelResult:
    clients: int
    requests: int
    ok: int = 0
    failures: int = 0
    timed_out: int = 0
    uncited: int = 0
    explained: int = 0  # answers that carry the model's own (verified) explanation
    busy: int = 0  # answers given from the guide's text because the model was busy
    latencies_ms: list[float] = field(default_factory=list)
    wall_s: float = 0.0
    max_queue: int | None = None
    peak_rss_bytes: int | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def p50_ms(self) -> float:
        return percentile(self.latencies_ms, 0.50)

    @property
    def p95_ms(self) -> float:
        return percentile(self.latencies_ms, 0.95)

    @property
    def throughput(self) -> float:
        return self.ok / self.wall_s if self.wall_s > 0 else 0.0

    def to_json(self) -> dict:
        return {
            "clients": self.clients, "requests": self.requests, "ok": self.ok, "failures": self.failures,
            "timed_out": self.timed_out, "uncited": self.uncited, "explained": self.explained, "busy": self.busy,
            "p50_ms": round(self.p50_ms, 1), "p95_ms": round(self.p95_ms, 1),
            "max_ms": round(max(self.latencies_ms), 1) if self.latencies_ms else 0.0,
            "throughput_rps": round(self.throughput, 3), "wall_s": round(self.wall_s, 2),
            "max_queue": self.max_queue,
            "peak_rss_mib": round(self.peak_rss_bytes / 2**20, 1) if self.peak_rss_bytes else None,
            "errors": self.errors[:5],
        }


# -- questions -----------------------------------------------------------------------------
def load_questions(suites=LOAD_SUITES) -> list[dict]:
    """Real questions, as /ask arguments: {"question", "options"?}."""
    out = []
    for name in suites:
        for line in (SUITES / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                if item.get("refuse"):
                    continue
                out.append({"question": item["question"], "options": item.get("options")})
    return _interleave(out)  # every stretch of requests mixes question kinds


def _interleave(items: list[dict]) -> list[dict]:
    with_opts = [q for q in items if q["options"]]
    plain = [q for q in items if not q["options"]]
    out = []
    while with_opts or plain:
        for src, n in ((plain, 2), (with_opts, 1)):
            for _ in range(n):
                if src:
                    out.append(src.pop(0))
    return out


# -- URL and server ------------------------------------------------------------------------
def check_loopback(url: str) -> str:
    """The base URL (with a trailing slash) if it points at this machine; LoadError if not."""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise LoadError(f"--url {url!r} is not an http(s) URL")
    if not (host == "localhost" or _is_loopback_ip(host)):
        raise LoadError(f"--url {url!r} is not a loopback address; the load test only targets "
                        "127.0.0.1/localhost/::1 (a server on this machine)")
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return f"{parts.scheme}://{netloc}{path}"


def _is_loopback_ip(host: str) -> bool:
    import ipaddress

    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a name: only "localhost" is trusted to mean this machine
        return False


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def studyrag_argv() -> list[str]:
    """How to run the `studyrag` command with this interpreter's environment."""
    script = Path(sys.executable).parent / "studyrag"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "studyrag.cli"]


def settings_argv(settings: Settings) -> list[str]:
    """Flags that make a child `studyrag` use the same index as ``settings``."""
    argv = ["--source", str(settings.data_dir), "--index-dir", str(settings.resolved_index_dir),
            "--embedder", settings.embedder, "--store", settings.store]
    if settings.pg_url:
        argv += ["--pg-url", settings.pg_url]
    return argv


def child_env() -> dict:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


class UIServer:
    """`studyrag ui` in a subprocess on a free loopback port; ``stop()`` ends it (by pid)."""

    def __init__(self, settings: Settings, *, backend: str = "none", concurrency: int = 4, max_queue: int = 64,
                 startup_timeout_s: float = 240.0, model: str | None = None, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self._tmp = tempfile.TemporaryDirectory(prefix="studyrag-load-")
        self.log_path = Path(self._tmp.name) / "ui.log"
        argv = [*studyrag_argv(), "ui", "--host", "127.0.0.1", "--port", str(self.port),
                "--backend", backend, "--concurrency", str(concurrency), "--max-queue", str(max_queue),
                "--feedback-db", str(Path(self._tmp.name) / "feedback.sqlite3"), *settings_argv(settings)]
        if model and backend == "local":
            argv += ["--model", model]
        self.argv = argv
        self._log = self.log_path.open("wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT,
                                     env={**child_env(), **(env or {})}, stdin=subprocess.DEVNULL)
        try:
            self._wait_ready(startup_timeout_s)
        except BaseException:
            self.stop()
            raise
        self.startup_s = time.perf_counter() - t0
        self.idle_rss_bytes = tree_rss(self.proc.pid)

    def _wait_ready(self, timeout_s: float) -> None:
        import httpx

        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise LoadError(f"`studyrag ui` exited with status {self.proc.returncode}: {self.log_tail()}")
            try:
                r = httpx.get(self.url + "gradio_api/queue/status", timeout=2.0)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise LoadError(f"`studyrag ui` did not answer within {timeout_s:.0f} s: {self.log_tail()}")

    def log_tail(self) -> str:
        try:
            lines = self.log_path.read_text(errors="replace").strip().splitlines()
        except OSError:
            return ""
        return lines[-1] if lines else "(no output)"

    def peak_rss_bytes(self) -> int | None:
        """The kernel's high-water mark of the server process's RSS (VmHWM), while it runs."""
        return vm_hwm(self.proc.pid)

    def stop(self) -> None:
        if self.proc.poll() is None:
            kids = _children(self.proc.pid)
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
            for k in kids:  # anything it started that outlived it
                try:
                    k.kill()
                except Exception:
                    pass
        self._log.close()
        self._tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def _children(pid: int):
    try:
        import psutil

        return psutil.Process(pid).children(recursive=True)
    except Exception:
        return []


def tree_rss(pid: int) -> int | None:
    """RSS of a process and all its descendants, in bytes (None if it is gone)."""
    try:
        import psutil

        p = psutil.Process(pid)
        total = p.memory_info().rss
        for c in p.children(recursive=True):
            try:
                total += c.memory_info().rss
            except psutil.Error:
                pass
        return total
    except Exception:
        return None


def vm_hwm(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


# -- the load ------------------------------------------------------------------------------
class _Monitor(threading.Thread):
    """Polls the queue depth and the server's RSS until stopped."""

    def __init__(self, base_url: str, pid: int | None, interval_s: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.base_url, self.pid, self.interval_s = base_url, pid, interval_s
        self.max_queue: int | None = None
        self.peak_rss: int | None = None
        self._halt = threading.Event()

    def run(self) -> None:
        import httpx

        with httpx.Client(timeout=2.0) as http:
            while not self._halt.is_set():
                try:
                    r = http.get(self.base_url + "gradio_api/queue/status")
                    if r.status_code == 200:
                        q = int(r.json().get("queue_size") or 0)
                        self.max_queue = q if self.max_queue is None else max(self.max_queue, q)
                except Exception:
                    pass
                if self.pid is not None:
                    rss = tree_rss(self.pid)
                    if rss is not None:
                        self.peak_rss = rss if self.peak_rss is None else max(self.peak_rss, rss)
                self._halt.wait(self.interval_s)

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=5)


def ask_once(http, base_url: str, q: dict, deadline: float) -> tuple[dict | None, str | None]:
    """One /ask call: (the answer JSON, None) or (None, why it failed)."""
    import httpx

    left = deadline - time.monotonic()
    if left <= 0:
        return None, "timeout"
    try:
        r = http.post(base_url + "gradio_api/call/ask",
                      json={"data": [q["question"], q.get("options"), None, None]}, timeout=min(left, 60.0))
        if r.status_code != 200:
            return None, f"POST {r.status_code}: {r.text[:120]}"
        event_id = r.json()["event_id"]
        left = deadline - time.monotonic()
        if left <= 0:
            return None, "timeout"
        event = None
        with http.stream("GET", f"{base_url}gradio_api/call/ask/{event_id}",
                         timeout=httpx.Timeout(left, connect=10.0)) as resp:
            if resp.status_code != 200:
                return None, f"GET {resp.status_code}"
            for line in resp.iter_lines():
                if time.monotonic() > deadline:
                    return None, "timeout"
                if line.startswith("event:"):
                    event = line[6:].strip()
                elif line.startswith("data:") and event in ("complete", "error"):
                    data = json.loads(line[5:].strip())
                    if event == "error":
                        return None, f"error event: {str(data)[:120]}"
                    return (data[0] if isinstance(data, list) and data else data), None
        return None, "stream ended without a result"
    except httpx.TimeoutException:
        return None, "timeout"
    except Exception as e:  # connection refused, bad JSON...
        return None, f"{type(e).__name__}: {str(e)[:120]}"


def run_level(base_url: str, clients: int, requests: int, questions: list[dict], *, deadline: float,
              pid: int | None = None, progress=None) -> LevelResult:
    """``requests`` calls by ``clients`` threads (each takes the next request when free)."""
    import httpx

    res = LevelResult(clients, requests)
    lock = threading.Lock()
    counter = iter(range(requests))

    def worker() -> None:
        limits = httpx.Limits(max_connections=2, max_keepalive_connections=2)
        with httpx.Client(limits=limits) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                q = questions[i % len(questions)]
                t0 = time.perf_counter()
                ans, err = ask_once(http, base_url, q, deadline)
                ms = (time.perf_counter() - t0) * 1000
                with lock:
                    if err is None and ans and str(ans.get("answer", "")).strip():
                        res.ok += 1
                        res.latencies_ms.append(ms)
                        if not ans.get("citations"):
                            res.uncited += 1
                        res.explained += not ans.get("fallback") and not ans.get("refused")
                        res.busy += bool(ans.get("busy"))
                    else:
                        res.failures += 1
                        res.timed_out += err == "timeout"
                        res.errors.append(err or "empty answer")
                    done = res.ok + res.failures
                if progress and (done % max(1, requests // 4) == 0 or done == requests):
                    progress(f"  {clients} clients: {done}/{requests} done")

    mon = _Monitor(base_url, pid)
    mon.start()
    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=max(0.0, deadline - time.monotonic()) + 5)
    res.wall_s = time.perf_counter() - t0
    mon.stop()
    unfinished = requests - res.ok - res.failures
    if unfinished > 0:  # threads still stuck past the deadline
        res.failures += unfinished
        res.timed_out += unfinished
        res.errors.append(f"{unfinished} requests unfinished at the deadline")
    res.max_queue, res.peak_rss_bytes = mon.max_queue, mon.peak_rss
    return res


def aggregate(runs: list[LevelResult]) -> dict:
    """One level over several runs: medians of latency and throughput, totals of requests and
    failures, the deepest queue and the highest RSS of any run; every run kept."""
    one = [r.to_json() for r in runs]
    med = lambda k: round(statistics.median(x[k] for x in one), 3)  # noqa: E731
    queues = [x["max_queue"] for x in one if x["max_queue"] is not None]
    rss = [x["peak_rss_mib"] for x in one if x["peak_rss_mib"] is not None]
    return {
        "clients": runs[0].clients, "requests": sum(x["requests"] for x in one), "ok": sum(x["ok"] for x in one),
        "failures": sum(x["failures"] for x in one), "timed_out": sum(x["timed_out"] for x in one),
        "uncited": sum(x["uncited"] for x in one), "explained": sum(x.get("explained", 0) for x in one),
        "busy": sum(x.get("busy", 0) for x in one),
        "p50_ms": med("p50_ms"), "p95_ms": med("p95_ms"), "max_ms": max(x["max_ms"] for x in one),
        "throughput_rps": med("throughput_rps"), "wall_s": med("wall_s"),
        "max_queue": max(queues) if queues else None, "peak_rss_mib": max(rss) if rss else None,
        "errors": [e for x in one for e in x["errors"]][:5], "runs": one,
    }


def default_requests(clients: int) -> int:
    """64 at up to 16 clients, then 4 per client (8 -> 64, 32 -> 128)."""
    return max(64, 4 * clients)


# Over 60 lines: one benchmark's measurement loop and its report, kept together so the figures match the loop.


def run_load(settings: Settings, *, clients=(8, 32), requests: int | None = None, backend: str = "none",
             url: str | None = None, timeout_s: float = 300.0, concurrency: int = 4, max_queue: int = 64,
             model: str | None = None, runs: int = 1, max_waiting: int | None = None, progress=None) -> dict:
    """Start (or use) a loopback UI server and run each concurrency level ``runs`` times on
    it (medians reported); a JSON-able dict. ``max_waiting``: the server's
    ``local_max_waiting`` (questions that may wait for a busy local model)."""
    say = progress or (lambda m: None)
    if url is not None:
        base = check_loopback(url)
    if any(c < 1 for c in clients) or (requests is not None and requests < 1) or runs < 1:
        raise LoadError("--clients, --requests and --runs must be at least 1")
    questions = load_questions()
    load_before = list(os.getloadavg())
    server = None
    t_start = time.monotonic()
    deadline = t_start + timeout_s
    try:
        if url is None:
            say(f"starting `studyrag ui --backend {backend}` on 127.0.0.1...")
            server = UIServer(settings, backend=backend, concurrency=concurrency, max_queue=max_queue,
                              model=model, startup_timeout_s=min(240.0, timeout_s),
                              env=None if max_waiting is None else {"STUDYRAG_LOCAL_MAX_WAITING": str(max_waiting)})
            base = server.url
            say(f"server up in {server.startup_s:.1f} s (pid {server.proc.pid}, "
                f"RSS {server.idle_rss_bytes / 2**20:.0f} MiB idle)")
            deadline = time.monotonic() + timeout_s  # the budget is for the load, not startup
        # One warm-up call: first-request costs (lazy imports, caches) are not load.
        import httpx

        with httpx.Client() as http:
            _, err = ask_once(http, base, questions[0], min(deadline, time.monotonic() + 300))
        if err:
            raise LoadError(f"warm-up request to {base} failed: {err}")
        levels = []
        for c in clients:
            n = requests or default_requests(c)
            per_run = []
            for r in range(runs):
                say(f"{c} clients, {n} requests (run {r + 1}/{runs})...")
                lvl = run_level(base, c, n, questions, deadline=deadline,
                                pid=server.proc.pid if server else None, progress=progress)
                per_run.append(lvl)
                say(f"  {lvl.ok}/{n} ok, {lvl.failures} failed, p50 {lvl.p50_ms:.0f} ms, p95 {lvl.p95_ms:.0f} ms, "
                    f"{lvl.throughput:.2f} req/s, max queue {lvl.max_queue}")
            levels.append(aggregate(per_run))
        hwm = server.peak_rss_bytes() if server else None
        info = dict(startup_s=round(server.startup_s, 2), pid=server.proc.pid,
                    idle_rss_mib=round((server.idle_rss_bytes or 0) / 2**20, 1),
                    peak_rss_hwm_mib=round(hwm / 2**20, 1) if hwm else None,
                    argv=" ".join(server.argv[1:5] + ["--backend", backend])) if server else {}
    finally:
        if server is not None:
            server.stop()
    return dict(
        url=base if url else "(started here)", backend=backend if url is None else "(as running)",
        model=model, max_waiting=max_waiting, concurrency=concurrency if url is None else None, max_queue_size=max_queue if url is None else None,
        timeout_s=timeout_s, questions=len(questions), cpus=os.cpu_count(),
        load_avg_before=[round(x, 2) for x in load_before], load_avg_after=[round(x, 2) for x in os.getloadavg()],
        runs=runs, server=info, levels=levels,
        total_s=round(time.monotonic() - t_start, 1),
    )


def format_load(r: dict) -> str:
    head = ["clients", "requests", "ok", "failures", "busy", "explained", "p50 ms", "p95 ms", "max ms", "req/s", "max queue",
            "peak RSS MiB", "p50 per run (ms)", "req/s per run"]
    rows = [[str(l["clients"]), str(l["requests"]), str(l["ok"]), str(l["failures"]), str(l.get("busy", 0)),
             str(l.get("explained", 0)),
             f"{l['p50_ms']:,.0f}",
             f"{l['p95_ms']:,.0f}", f"{l['max_ms']:,.0f}", f"{l['throughput_rps']:.2f}",
             "-" if l["max_queue"] is None else str(l["max_queue"]),
             "-" if l["peak_rss_mib"] is None else f"{l['peak_rss_mib']:,.0f}",
             " ".join(f"{x['p50_ms']:,.0f}" for x in l["runs"]),
             " ".join(f"{x['throughput_rps']:.2f}" for x in l["runs"])] for l in r["levels"]]
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    line = lambda cells: "  ".join(c.rjust(w) for c, w in zip(cells, widths))  # noqa: E731
    s = r.get("server") or {}
    model = r.get("model") or ("default model" if r["backend"] == "local" else None)
    title = (f"studyrag bench load: backend {r['backend']}" + (f" ({model})" if model else "")
             + (f", local_max_waiting {r['max_waiting']}" if r.get("max_waiting") is not None else "")
             + (f", server concurrency {r['concurrency']}, max queue {r['max_queue_size']}, "
                if r.get("concurrency") else f", server {r['url']}, ")
             + f"{r['questions']} real questions (cycled), {r['runs']} run(s) per level (medians; requests and "
             f"failures summed), global timeout {r['timeout_s']:.0f} s, "
             f"{r['cpus']} CPUs, load average {r['load_avg_before'][0]:.2f} before / {r['load_avg_after'][0]:.2f} after")
    out = [title, line(head), *(line(x) for x in rows)]
    if s:
        out.append(f"server: started in {s['startup_s']:.1f} s, RSS idle {s['idle_rss_mib']:,.0f} MiB, "
                   f"peak (VmHWM, whole run) {s['peak_rss_hwm_mib'] or 0:,.0f} MiB; "
                   "peak RSS column: process tree polled every 0.2 s")
    out.append("busy: answered from the guide's text at once because the model was busy with another question; "
               "explained: answers with the model's own verified explanation (the rest quote the guide: busy, "
               "or the draft failed the check)")
    out.append("latency: client-side, POST /gradio_api/call/ask to the SSE 'complete' event (queue wait included); "
               "max queue: requests waiting in Gradio's queue (/gradio_api/queue/status, polled)")
    for l in r["levels"]:
        if l["errors"]:
            out.append(f"errors at {l['clients']} clients: " + "; ".join(l["errors"]))
        if l["uncited"]:
            out.append(f"note: {l['uncited']} answers at {l['clients']} clients had no citation")
    return "\n".join(out)
