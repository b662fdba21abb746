"""How fast does khulasa start? CPU time of `import toolkit` and of CLI commands, as ratios to a bare
interpreter start measured in the same run, and the biggest imports (`python -X importtime`).

    python benchmarks/startup.py [--runs 7]

Each command runs in a fresh interpreter (this one, `sys.executable`, with this checkout first on
PYTHONPATH); its CPU time is the child's user + system time (`os.wait4`), the minimum over the runs.
The commands are interleaved run by run, so a load spike hits all of them alike: CPU-time ratios
measured in one run stay comparable when other jobs load the machine, wall times do not. The
bytecode cache is allowed (PYTHONDONTWRITEBYTECODE removed) and warmed first, as for any installed
program after its first start.

Targets (issue 15): `import toolkit` <= 8x the bare start, `khulasa summarize` (offline) <= 12x.
The "floor" rows are third-party imports alone, for scale: pydantic with one model, and typer.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "eastern-ghouta-macron-putin" / "article.txt"
CLI = "import sys; from toolkit.cli import main; sys.exit(main())"  # what the `khulasa` script runs

COMMANDS: dict[str, list[str]] = {
    "python -c pass (bare)": ["-c", "pass"],
    "import toolkit": ["-c", "import toolkit"],
    "from toolkit import summarize": ["-c", "from toolkit import summarize"],
    "khulasa --version": ["-c", CLI, "--version"],
    "khulasa --help": ["-c", CLI, "--help"],
    "khulasa summarize --help": ["-c", CLI, "summarize", "--help"],
    "khulasa summarize ARTICLE (offline)": ["-c", CLI, "summarize", str(SEED), "--model", "offline"],
    "floor: import pydantic + one model": [
        "-c",
        "import pydantic\nclass M(pydantic.BaseModel):\n    x: int",
    ],
    "floor: import typer": ["-c", "import typer"],
}
TARGETS = {"import toolkit": 8.0, "khulasa summarize ARTICLE (offline)": 12.0}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KHULASA_", "OPENAI_"))}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    return env


def cpu_seconds(args: list[str], env: dict[str, str]) -> float:
    """User + system CPU seconds of one child interpreter running `args`."""
    proc = subprocess.Popen(
        [sys.executable, *args], env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return usage.ru_utime + usage.ru_stime


def biggest_imports(args: list[str], env: dict[str, str], top: int = 12, runs: int = 5) -> None:
    """Self import time per top-level package, and our costliest modules (cumulative).

    -X importtime reports wall time, so each module's figure is its minimum over the runs.
    """
    self_us: dict[str, int] = {}  # module -> its own import time
    ours: dict[str, int] = {}  # our modules -> their cumulative import time
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *args],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        for line in done.stderr.splitlines():
            m = re.match(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)", line)
            if m:
                self_us[m[4]] = min(self_us.get(m[4], 1 << 62), int(m[1]))
                if m[4].startswith("toolkit"):
                    ours[m[4]] = min(ours.get(m[4], 1 << 62), int(m[2]))
    by_package: Counter[str] = Counter()
    for module, us in self_us.items():
        by_package[module.split(".")[0]] += us
    total = sum(by_package.values())
    command = "khulasa " + " ".join(
        a if a != str(SEED) else SEED.relative_to(ROOT).as_posix() for a in args[2:]
    )
    print(f"\nbiggest imports of `{command}` (-X importtime, self, min of {runs}: {total / 1000:.0f} ms)")
    for name, us in sorted(by_package.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {name:<28}{us / 1000:>8.1f} ms")
    print("  ours, cumulative (includes what they import):")
    for name, us in sorted(ours.items(), key=lambda kv: -kv[1])[:6]:
        print(f"    {name:<26}{us / 1000:>8.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    env = _env()
    for argv in COMMANDS.values():  # warm the bytecode cache and the page cache
        cpu_seconds(argv, env)
    best = dict.fromkeys(COMMANDS, float("inf"))
    for _ in range(args.runs):
        for name, argv in COMMANDS.items():
            best[name] = min(best[name], cpu_seconds(argv, env))
    bare = best["python -c pass (bare)"]
    load = os.getloadavg()[0]
    print(
        f"CPU time per start, min of {args.runs} interleaved runs (load average {load:.1f}, "
        f"{os.cpu_count()} CPUs; {sys.executable})"
    )
    print(f"{'command':<40}{'CPU ms':>9}{'x bare':>9}  target")
    for name, sec in best.items():
        target = TARGETS.get(name)
        verdict = (
            "" if target is None else (f"<= {target:g}x" + (" ok" if sec / bare <= target else " MISSED"))
        )
        print(f"{name:<40}{sec * 1000:>9.1f}{sec / bare:>9.1f}  {verdict}")
    biggest_imports(["-c", CLI, "summarize", str(SEED), "--model", "offline"], env)
    biggest_imports(["-c", CLI, "--help"], env, top=6)


if __name__ == "__main__":
    main()
