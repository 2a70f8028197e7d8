"""Benchmark: Ebanista and Rasa Open Source 3.6.21 under the same load, one after the other, in one run.

The load is the closed loop of `bench/chat_turn.py`: N visitors, each on one keep-alive connection,
holding complete conversations with no pause between messages. Ebanista is the real server (the
SQLite appliance with the demo store). Rasa is a small Spanish bot written by this script into
`bench/.rasa/project`: one form that asks for the same things as the demo flow (project type, area,
budget, style, name, phone), filled from DIET entities or from the visitor's text, built-in
components only (no action server). A Rasa conversation is a new sender id that sends the same
free-text greeting as an Ebanista conversation, then answers each question until the form
completes; every message is one turn. The script prints a table with turns/s, p50, p95 and p99
for each, and the ratio Ebanista/Rasa for throughput and p95.

    .venv/bin/python bench/side_by_side.py [--visitors 16] [--seconds 15] [--with-rasa]

`--with-rasa` creates `bench/.rasa/venv` with Python 3.10 (Rasa needs Python < 3.11; `--rasa-python`
picks another interpreter) and installs rasa==3.6.21 into it (about 3 minutes and 2.7 GB, once).
Once that venv exists Rasa is measured on every run; without it only Ebanista is. The bot is
trained once and its model kept in `bench/.rasa/project/models`; it is trained again when the
project files change. Rasa is served with `rasa run --enable-api` (REST channel) on a free port
and its whole process tree is killed at the end, also on Ctrl-C.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from chat_turn import FIRST_TEXT, backend, free_port, measure, server, visitor_loop

RASA_VERSION = "3.6.21"
RASA_PYTHON = "/root/.pyenv/versions/3.10.13/bin/python"
BENCH_DIR = Path(__file__).resolve().parent
RASA_DIR = BENCH_DIR / ".rasa"
RASA_VENV = RASA_DIR / "venv"
RASA_BIN = RASA_VENV / "bin" / "rasa"
RASA_INSTALLED = RASA_VENV / f".installed-rasa-{RASA_VERSION}"
PROJECT = RASA_DIR / "project"
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONWARNINGS": "ignore"}
REST_PATH = "/webhooks/rest/webhook"
MAX_TURNS = 12  # a conversation that has not completed the form by then is counted as stuck

# The form's questions and what the simulated visitor answers to each (the demo flow's answers).
QUESTIONS: dict[str, tuple[str, str]] = {
    "tipo_proyecto": ("¿Qué quieres hacer: una cocina, un armario o un mueble a medida?", "Una cocina"),
    "area": ("¿Cuántos metros cuadrados tiene el espacio, más o menos?", "unos 12 m2"),
    "presupuesto": ("¿Qué presupuesto tienes pensado?", "entre 9000 y 14000 euros"),
    "estilo": ("¿Qué estilo te gusta: nórdico, moderno, clásico, rústico o industrial?", "nórdico"),
    "nombre": ("¿Cómo te llamas?", "Laia Puig"),
    "telefono": ("¿A qué teléfono te llamamos?", "612 345 678"),
}
ANSWER_TO = dict(QUESTIONS.values())
DONE = "¡Gracias, "
ENTITY_SLOTS = ("tipo_proyecto", "area", "presupuesto", "estilo", "telefono")

CONFIG = """\
recipe: default.v1
assistant_id: ebanista-bench
language: es
pipeline:
  - name: WhitespaceTokenizer
  - name: RegexFeaturizer
  - name: LexicalSyntacticFeaturizer
  - name: CountVectorsFeaturizer
  - name: CountVectorsFeaturizer
    analyzer: char_wb
    min_ngram: 1
    max_ngram: 4
  - name: DIETClassifier
    epochs: 100
    constrain_similarities: true
    random_seed: 1
  - name: RegexEntityExtractor
    use_regexes: true
  - name: EntitySynonymMapper
policies:
  - name: MemoizationPolicy
  - name: RulePolicy
  - name: TEDPolicy
    max_history: 5
    epochs: 100
    constrain_similarities: true
    random_seed: 1
"""

NLU = """\
version: "3.1"
nlu:
- intent: saludo
  examples: |
    - hola
    - buenas
    - buenos días
    - hola, quería información
    - buenas tardes, quiero pedir presupuesto
    - hola, busco una [cocina](tipo_proyecto)
    - buenas tardes, quiero reformar la [cocina](tipo_proyecto)
    - hola, necesito un [armario](tipo_proyecto) a medida
    - buenas, me interesa un [armario empotrado](tipo_proyecto)
    - hola, me gustaría un [mueble a medida](tipo_proyecto) para el salón
    - hola, quiero una [cocina](tipo_proyecto) [moderna](estilo) de [10 m2](area)
    - buenos días, busco una [cocina](tipo_proyecto) [rústica](estilo) de [15 metros](area)
    - hola, quiero un [armario](tipo_proyecto) [clásico](estilo), tengo [unos 3000 euros](presupuesto)
    - hola, busco una [cocina](tipo_proyecto) [industrial](estilo) de [8 m2](area), [entre 6 y 10 mil](presupuesto)
    - buenas, queremos una [cocina](tipo_proyecto) [nórdica](estilo) de [20 m2](area), [unos 15 mil](presupuesto)
    - hola! pensamos en una [cocina](tipo_proyecto) nueva de [14 m2](area) y tenemos [entre 10 y 12 mil](presupuesto)
    - hola, necesito un [baño](tipo_proyecto) [moderno](estilo), tengo [hasta 7000 euros](presupuesto)
    - buenas tardes, busco [armarios](tipo_proyecto) [escandinavos](estilo) de [12 metros](area)
    - hola, cambiamos la [cocina](tipo_proyecto), [nórdico](estilo), [9 m2](area), [entre 8 y 11 mil](presupuesto)
    - buenos días, una [cocina](tipo_proyecto) [clásica](estilo) de [unos 18 m2](area) por [unos 20 mil](presupuesto)
- intent: informar
  examples: |
    - una [cocina](tipo_proyecto)
    - [cocina](tipo_proyecto)
    - es para la [cocina](tipo_proyecto)
    - un [armario](tipo_proyecto)
    - un [armario empotrado](tipo_proyecto)
    - un [mueble a medida](tipo_proyecto)
    - el [baño](tipo_proyecto)
    - [12 m2](area)
    - [unos 12 m2](area)
    - [15 metros](area)
    - más o menos [20 metros cuadrados](area)
    - [9 m2](area)
    - [entre 9000 y 14000 euros](presupuesto)
    - [unos 10 mil](presupuesto)
    - [hasta 5000 euros](presupuesto)
    - [12000 €](presupuesto)
    - [entre 8 y 12 mil](presupuesto)
    - [nórdico](estilo)
    - estilo [nórdico](estilo)
    - me gusta el [moderno](estilo)
    - [clásico](estilo)
    - algo [rústico](estilo)
    - [industrial](estilo)
    - [escandinavo](estilo)
    - Laia Puig
    - me llamo Jordi
    - soy Marta Ferrer
    - Ana García López
    - [612 345 678](telefono)
    - mi teléfono es [699 123 456](telefono)
    - [+34 600 11 22 33](telefono)
    - llámame al [654321987](telefono)
- synonym: nórdico
  examples: |
    - nórdica
    - nordico
    - escandinavo
    - escandinavos
- synonym: moderno
  examples: |
    - moderna
- synonym: rústico
  examples: |
    - rústica
- synonym: clásico
  examples: |
    - clásica
- synonym: armario
  examples: |
    - armarios
    - armario empotrado
- synonym: mueble
  examples: |
    - mueble a medida
- regex: telefono
  examples: |
    - (\\+34 ?)?[6789]( ?[0-9]){8}
"""

RULES = """\
version: "3.1"
rules:
- rule: un saludo abre el formulario
  steps:
  - intent: saludo
  - action: lead_form
  - active_loop: lead_form
- rule: un dato suelto también lo abre
  steps:
  - intent: informar
  - action: lead_form
  - active_loop: lead_form
- rule: el formulario completo da las gracias
  condition:
  - active_loop: lead_form
  steps:
  - action: lead_form
  - active_loop: null
  - slot_was_set:
    - requested_slot: null
  - action: utter_gracias
"""

STORIES = """\
version: "3.1"
stories:
- story: camino feliz
  steps:
  - intent: saludo
  - action: lead_form
  - active_loop: lead_form
  - intent: informar
  - action: lead_form
  - active_loop: null
  - action: utter_gracias
"""

CREDENTIALS = "rest:\n"


def domain_yaml() -> str:
    """The domain: two intents, five entities, six text slots, one form and its questions."""
    lines = ['version: "3.1"', "intents:", "  - saludo", "  - informar", "entities:"]
    lines += [f"  - {entity}" for entity in ENTITY_SLOTS]
    lines.append("slots:")
    for slot in QUESTIONS:
        lines += [f"  {slot}:", "    type: text", "    influence_conversation: false", "    mappings:"]
        if slot in ENTITY_SLOTS:
            lines += ["      - type: from_entity", f"        entity: {slot}"]
        lines += [
            "      - type: from_text",
            "        conditions:",
            "          - active_loop: lead_form",
            f"            requested_slot: {slot}",
        ]
    lines += ["forms:", "  lead_form:", "    required_slots:"]
    lines += [f"      - {slot}" for slot in QUESTIONS]
    lines.append("responses:")
    for slot, (question, _) in QUESTIONS.items():
        lines += [f"  utter_ask_{slot}:", f"    - text: {json.dumps(question, ensure_ascii=False)}"]
    thanks = DONE + "{nombre}! Un diseñador te llamará al {telefono} para hablar de tu {tipo_proyecto}."
    lines += ["  utter_gracias:", f"    - text: {json.dumps(thanks, ensure_ascii=False)}"]
    lines += ["session_config:", "  session_expiration_time: 60", "  carry_over_slots_to_new_session: true"]
    return "\n".join(lines) + "\n"


def project_files() -> dict[str, str]:
    return {
        "config.yml": CONFIG,
        "domain.yml": domain_yaml(),
        "credentials.yml": CREDENTIALS,
        "data/nlu.yml": NLU,
        "data/rules.yml": RULES,
        "data/stories.yml": STORIES,
    }


def tail(path: Path, lines: int = 25) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def run_logged(command: list[str], log: Path, cwd: Path | None = None) -> None:
    """Run a command with its output in a log file; on failure, show the log's end and stop."""
    with log.open("w") as out:
        code = subprocess.call(command, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **RASA_ENV})
    if code:
        sys.exit(f"{' '.join(command)} failed ({code}); the end of {log}:\n{tail(log)}")


# --- Rasa: install, project, training, server -----------------------------------------------------


def ensure_rasa(install: bool, python: str) -> bool:
    """True when Rasa is ready in its venv; install it there first when asked."""
    if RASA_INSTALLED.exists():
        return True
    if not install:
        return False
    RASA_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Installing rasa=={RASA_VERSION} into {RASA_VENV} with {python} (about 3 minutes, 2.7 GB)...", flush=True)
    started = time.perf_counter()
    if not (RASA_VENV / "bin" / "pip").exists():
        run_logged([python, "-m", "venv", str(RASA_VENV)], RASA_DIR / "venv.log")
    pip = str(RASA_VENV / "bin" / "pip")
    run_logged([pip, "install", f"rasa=={RASA_VERSION}"], RASA_DIR / "pip.log")
    run_logged([str(RASA_BIN), "--version"], RASA_DIR / "version.log")
    RASA_INSTALLED.touch()
    print(f"  installed in {time.perf_counter() - started:.0f} s", flush=True)
    return True


def write_project() -> str:
    """Write the bot's files (only those that changed) and return a digest of the whole project."""
    digest = hashlib.sha256(RASA_VERSION.encode())
    for name, text in sorted(project_files().items()):
        path = PROJECT / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists() or path.read_text() != text:
            path.write_text(text)
        digest.update(name.encode() + b"\0" + text.encode() + b"\0")
    return digest.hexdigest()[:12]


def trained_model() -> tuple[Path, float | None, bool]:
    """The model of the current project files, how long its training took, and whether it was just trained."""
    name = f"bench-{write_project()}"
    model = PROJECT / "models" / f"{name}.tar.gz"
    took = model.with_suffix("").with_suffix(".seconds")  # how long its training took
    if model.exists():
        return model, float(took.read_text()) if took.exists() else None, False
    for old in (PROJECT / "models").glob("bench-*"):
        old.unlink()
    shutil.rmtree(PROJECT / ".rasa", ignore_errors=True)  # Rasa's component cache: time a whole training
    print("Training the Rasa bot (once; again only when its files change)...", flush=True)
    started = time.perf_counter()
    command = [str(RASA_BIN), "train", "--fixed-model-name", name, "--out", "models"]
    run_logged(command, RASA_DIR / "train.log", cwd=PROJECT)
    if not model.exists():
        sys.exit(f"rasa train wrote no {model}; see {RASA_DIR / 'train.log'}")
    seconds = time.perf_counter() - started
    took.write_text(f"{seconds:.1f}\n")
    return model, seconds, True


def kill_tree(proc: subprocess.Popen) -> None:
    """Stop the process group the server was started in: TERM, then KILL after 15 s."""
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=wait)
            os.killpg(proc.pid, signal.SIGKILL)  # children that outlived their parent
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def rasa_server(model: Path) -> Iterator[tuple[int, float]]:
    """Serve the model with `rasa run --enable-api` on a free port; yield the port and start time."""
    port, log = free_port(), RASA_DIR / "run.log"
    command = [str(RASA_BIN), "run", "--enable-api", "-m", str(model), "-i", "127.0.0.1", "-p", str(port)]
    command += ["--credentials", "credentials.yml"]
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=PROJECT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **RASA_ENV},
            start_new_session=True,  # its own process group: Ctrl-C reaches us, and we kill it whole
        )
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"rasa run exited ({proc.returncode}); the end of {log}:\n{tail(log)}")
            if time.perf_counter() - started > 300:
                raise RuntimeError(f"rasa run not ready after 300 s; the end of {log}:\n{tail(log)}")
            if _rasa_ready(port):
                break
            time.sleep(0.5)
        yield port, time.perf_counter() - started
    finally:
        kill_tree(proc)


def _rasa_ready(port: int) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        conn.request("GET", "/status")
        response = conn.getresponse()
        return response.status == 200 and bool(json.loads(response.read()).get("model_id"))
    except (OSError, http.client.HTTPException, ValueError):
        return False
    finally:
        conn.close()


# --- Rasa's visitors --------------------------------------------------------------------------------


class RasaError(Exception):
    """A message that did not get a 200 with a bot message; the argument is its kind."""


class RestClient:
    """A keep-alive connection to Rasa's REST channel."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)

    def send(self, sender: str, text: str) -> tuple[float, str]:
        """Send one message; return the latency and the bot's last text."""
        started = time.perf_counter()
        body = json.dumps({"sender": sender, "message": text})
        try:
            self.conn.request("POST", REST_PATH, body, {"Content-Type": "application/json"})
            response = self.conn.getresponse()
            data = response.read()
        except TimeoutError as exc:
            raise RasaError("timeout") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise RasaError("connection") from exc
        took = time.perf_counter() - started
        if response.status != 200:
            raise RasaError(f"http {response.status}")
        try:
            texts = [m["text"] for m in json.loads(data) if m.get("text")]
        except (ValueError, TypeError, KeyError) as exc:
            raise RasaError("bad json") from exc
        if not texts:
            raise RasaError("no bot message")
        return took, texts[-1]


def rasa_loop(port: int, stats_dir: str, deadline: float, warmup_end: float) -> list[float]:
    """Like chat_turn.visitor_loop, against Rasa: whole conversations until the deadline.

    Returns the latency of each turn of the conversations that ended after warm-up; the counts of
    requests, errors by kind and completed forms go to a JSON file in stats_dir (the `key`).
    """
    client, latencies, stats = RestClient(port), [], Counter()
    while time.time() < deadline:
        sender, text, turns = secrets.token_hex(8), FIRST_TEXT, []
        for _ in range(MAX_TURNS):
            stats["requests"] += 1
            try:
                took, reply = client.send(sender, text)
            except RasaError as exc:
                stats[f"error: {exc.args[0]}"] += 1
                client.reconnect()
                break
            turns.append(took)
            if reply.startswith(DONE):
                if time.time() > warmup_end:
                    stats["completed"] += 1
                    stats["completed turns"] += len(turns)
                break
            if reply not in ANSWER_TO:
                stats["error: unexpected reply"] += 1
                break
            if time.time() >= deadline:
                break
            text = ANSWER_TO[reply]
        else:
            stats["error: form not completed"] += 1
        if time.time() > warmup_end:
            latencies += turns
    name = f"{os.getpid()}-{threading.get_ident()}.json"
    Path(stats_dir, name).write_text(json.dumps(stats))
    return latencies


def probe(port: int) -> list[str]:
    """One conversation, to check the bot before loading it; returns the transcript."""
    client, sender, text, transcript = RestClient(port), secrets.token_hex(8), FIRST_TEXT, []
    for _ in range(MAX_TURNS):
        _, reply = client.send(sender, text)
        transcript += [f"  visitor: {text}", f"  rasa:    {reply}"]
        if reply.startswith(DONE):
            client.conn.request("GET", f"/conversations/{sender}/tracker")
            slots = json.loads(client.conn.getresponse().read()).get("slots", {})
            filled = ", ".join(f"{slot}={slots.get(slot)!r}" for slot in QUESTIONS)
            return [*transcript, f"  slots:   {filled}"]
        if reply not in ANSWER_TO:
            raise RasaError(f"unexpected reply {reply!r}")
        text = ANSWER_TO[reply]
    raise RasaError("the form did not complete")


def measure_rasa(model: Path, visitors: int, seconds: float) -> tuple[dict | None, Counter, float]:
    """Serve the model, check one conversation, load it; return figures (None if none), counts, start time."""
    with rasa_server(model) as (port, start), tempfile.TemporaryDirectory() as stats_dir:
        print(f"Rasa is ready in {start:.1f} s; one conversation to check it:", flush=True)
        print("\n".join(probe(port)), flush=True)
        print(f"Rasa {RASA_VERSION}: {visitors} visitors, {seconds:.0f} s ({load()})...", flush=True)
        try:
            figures = measure(rasa_loop, port, stats_dir, visitors, seconds)
        except statistics.StatisticsError:
            figures = None  # fewer than two turns succeeded
        stats: Counter = Counter()
        for path in Path(stats_dir).glob("*.json"):
            stats.update(json.loads(path.read_text()))
    return figures, stats, start


# --- the run ----------------------------------------------------------------------------------------


def ebanista_version() -> str:
    try:
        from appliance.version import __version__
    except ImportError:
        return ""
    return __version__


def load() -> str:
    """The machine's load, printed beside each measurement: other work on the cores skews both."""
    return f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"


def row(label: str, m: dict) -> str:
    return f"| {label} | {m['rate']:.0f} | {m['p50']:.0f} ms | {m['p95']:.0f} ms | {m['p99']:.0f} ms |"


def report_rasa_counts(stats: Counter) -> bool:
    """Print Rasa's request and error counts; True when most requests failed."""
    requests = stats["requests"]
    errors = {k.removeprefix("error: "): v for k, v in sorted(stats.items()) if k.startswith("error: ")}
    failed = sum(errors.values())
    completed = stats["completed"]
    per_conversation = stats["completed turns"] / completed if completed else 0
    print(
        f"Rasa: {requests} requests (warm-up included), {failed} failed"
        + (f" ({', '.join(f'{k}: {v}' for k, v in errors.items())})" if errors else "")
        + f"; {completed} forms completed after warm-up, {per_conversation:.1f} turns each"
    )
    return failed * 2 > requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--with-rasa", action="store_true", help="install Rasa into bench/.rasa/venv if needed")
    parser.add_argument("--rasa-python", default=RASA_PYTHON, help="a Python < 3.11 for Rasa's venv")
    args = parser.parse_args()

    with_rasa = ensure_rasa(args.with_rasa, args.rasa_python)
    model, training, fresh = trained_model() if with_rasa else (None, None, False)
    if fresh:
        print(f"  trained in {training:.0f} s", flush=True)

    print(f"Ebanista: {args.visitors} visitors, {args.seconds:.0f} s ({load()})...", flush=True)
    with backend("sqlite") as env, server(env) as (port, key):
        ours = measure(visitor_loop, port, key, args.visitors, args.seconds)

    theirs, stats, start = None, Counter(), 0.0
    if model is not None:
        print(f"Rasa {RASA_VERSION}: starting it ({load()})...", flush=True)
        try:
            theirs, stats, start = measure_rasa(model, args.visitors, args.seconds)
        except (RasaError, RuntimeError) as exc:  # it did not start, or its check conversation failed
            sys.exit(f"RASA RUN FAILED: {exc} (Rasa's log: {RASA_DIR / 'run.log'})")

    print(
        f"\n{args.visitors} visitors holding whole conversations (keep-alive, no pauses), "
        f"{args.seconds:.0f} s each after 2 s of warm-up\n"
    )
    print("| product | turns/s | p50 | p95 | p99 |\n|---|---|---|---|---|")
    print(row(f"Ebanista {ebanista_version()} (SQLite appliance)".replace("  ", " "), ours))
    if model is None:
        print(
            "\nRasa was not measured. To add it: .venv/bin/python bench/side_by_side.py --with-rasa "
            f"(installs rasa=={RASA_VERSION} into bench/.rasa/venv with Python 3.10: ~3 min, ~2.7 GB, once)."
        )
        return
    if theirs is not None:
        print(row(f"Rasa {RASA_VERSION} (REST channel, one form)", theirs))
        print(
            f"| Ebanista / Rasa | {ours['rate'] / theirs['rate']:.1f}× | — | {ours['p95'] / theirs['p95']:.2f}× | — |"
        )
    print()
    if training is not None:
        print(f"Rasa's bot trained in {training:.0f} s" + (" (this run)." if fresh else " (cached model)."))
    print(f"Rasa started (model loaded, REST channel up) in {start:.1f} s.")
    most_failed = report_rasa_counts(stats)
    if theirs is None or most_failed:
        sys.exit("RASA RUN FAILED: most of its requests did not get a 200 with a bot message; figures not comparable.")


if __name__ == "__main__":
    main()
