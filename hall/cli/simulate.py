"""`hall simulate`: run whole days of a hall under a demand file and print what citizens saw."""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

from hall.cli.errors import USAGE, CliError
from queueing.config import HallConfig, parse_config
from queueing.demand import Demand, DemandError, parse_demand
from queueing.errors import ConfigError
from queueing.simulate import SimulationResult, simulate


class InputError(Exception):
    """A file the command cannot use; `problems` lists what is wrong with it."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        super().__init__(f"{path}: {'; '.join(problems)}")
        self.path = path
        self.problems = problems


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--hall-config", type=Path, required=True, metavar="HALL.json", help="a hall document"
    )
    parser.add_argument(
        "--demand",
        type=Path,
        required=True,
        metavar="DEMAND.json",
        help="arrivals, service times and shares per queue (see docs/simulate.md)",
    )
    parser.add_argument("--days", type=_positive, default=1, help="days to simulate (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument(
        "--eta-samples",
        type=_not_negative,
        default=200,
        metavar="N",
        help="expected waits checked per day, at most (default 200; 0: none)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        config = _read_hall(args.hall_config)
        demand = _read_demand(args.demand, config)
    except InputError as error:
        raise _unusable(error.path, error.problems) from error
    started = time.perf_counter()
    try:
        result = simulate(
            config,
            demand,
            random.Random(args.seed),
            days=args.days,
            eta_samples_per_day=args.eta_samples,
        )
    except DemandError as error:
        raise _unusable(args.demand, error.problems) from error
    runtime = time.perf_counter() - started
    if args.json:
        print(json.dumps(result_document(config, result, args.seed, runtime), indent=2))
    else:
        print(result_table(config, result, args.seed, runtime))
    return 0


def result_document(
    config: HallConfig, result: SimulationResult, seed: int, runtime_s: float
) -> dict[str, Any]:
    return {
        "hall": config.id,
        "days": result.days,
        "seed": seed,
        "queues": {
            queue: {
                "tickets": q.tickets,
                "mean_wait_s": _rounded(q.mean_wait_s),
                "p50_wait_s": _rounded(q.p50_wait_s),
                "p90_wait_s": _rounded(q.p90_wait_s),
                "service_level": _rounded(q.service_level, 4),
                "no_shows": q.no_shows,
                "unserved": q.unserved,
                "green_tickets": q.green_tickets,
                "green_mean_wait_s": _rounded(q.green_mean_wait_s),
            }
            for queue, q in result.queues.items()
        },
        "windows": {
            window: {"utilisation": round(w.utilisation, 4), "served": w.served}
            for window, w in result.windows.items()
        },
        "eta_mae_s": _rounded(result.eta_mae_s),
        "eta_samples": result.eta_samples,
        "runtime_s": round(runtime_s, 3),
    }


def result_table(config: HallConfig, result: SimulationResult, seed: int, runtime_s: float) -> str:
    target = f"{config.rules.service_target_minutes:g} min"
    tickets = sum(q.tickets for q in result.queues.values())
    lines = [
        f"hall {config.id}: {result.days} day(s), seed {seed}, {tickets} tickets, "
        f"simulated in {runtime_s:.2f} s",
        "",
        f"{'queue':<8}{'tickets':>8}{'no-show':>9}{'unserved':>10}"
        f"{'mean wait':>11}{'p50':>8}{'p90':>8}{'within ' + target:>16}",
    ]
    for queue, q in result.queues.items():
        lines.append(
            f"{queue:<8}{q.tickets:>8}{q.no_shows:>9}{q.unserved:>10}"
            f"{_clock(q.mean_wait_s):>11}{_clock(q.p50_wait_s):>8}{_clock(q.p90_wait_s):>8}"
            f"{_percent(q.service_level):>16}"
        )
    lines += ["", f"{'window':<8}{'served':>8}{'utilisation':>13}"]
    for window, w in result.windows.items():
        lines.append(f"{window:<8}{w.served:>8}{_percent(w.utilisation):>13}")
    eta = "-" if result.eta_mae_s is None else f"{result.eta_mae_s:.0f} s"
    lines += ["", f"expected-wait error (mean absolute): {eta} over {result.eta_samples} tickets"]
    return "\n".join(lines)


def _read_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, [f"cannot read: {error}"]) from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(path, [f"not JSON: {error}"]) from error


def _read_hall(path: Path) -> HallConfig:
    try:
        return parse_config(_read_json(path))
    except ConfigError as error:
        raise InputError(path, error.problems) from error


def _read_demand(path: Path, config: HallConfig) -> Demand:
    try:
        return parse_demand(_read_json(path), config)
    except DemandError as error:
        raise InputError(path, error.problems) from error


def _unusable(path: Path, problems: list[str]) -> CliError:
    """One line: the file and every problem it has."""
    return CliError(f"{path} is not usable: {'; '.join(problems)} (see docs/simulate.md)", USAGE)


def _positive(text: str) -> int:
    value = _whole(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"a whole number of at least 1, not {text!r}")
    return value


def _not_negative(text: str) -> int:
    value = _whole(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"a whole number, 0 or more, not {text!r}")
    return value


def _whole(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a whole number, not {text!r}") from None


def _rounded(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f}%"
