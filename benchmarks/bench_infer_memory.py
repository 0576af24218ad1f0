"""Resident memory of derivation, rule by rule: how much each rule's evaluation holds above the
store it reads.

    .venv/bin/python benchmarks/bench_infer_memory.py /tmp/n3m/data [SLICE_SIZE]
    PYTHONPATH=/tmp/old/src .venv/bin/python benchmarks/bench_infer_memory.py /tmp/n3m/data

Loads the network as a build does, then runs `villegraph.infer.infer` with the project's rules
while a thread samples the resident set (`/proc/self/statm`) every 20 ms. Each rule's
evaluation (its queries and serialisation: `write_rule`, or `run_rule` in code before it) is
bracketed: the RSS when it starts, the highest sampled while it runs, and the highest while
its results are loaded and the RSS after. Works with the code of any commit on `PYTHONPATH`
(nothing here is asserted). Prints one JSON line per rule and a summary line.
"""

from __future__ import annotations

import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

_PAGE = resource.getpagesize()


def _rss_mib() -> float:
    return int(Path("/proc/self/statm").read_text().split()[1]) * _PAGE / 2**20


class Sampler(threading.Thread):
    """The highest RSS since the last `reset`, sampled every 20 ms."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.high = 0.0
        self.stop = False

    def reset(self) -> float:
        self.high = now = _rss_mib()
        return now

    def run(self) -> None:
        while not self.stop:
            self.high = max(self.high, _rss_mib())
            time.sleep(0.02)


def main() -> None:
    from villegraph import infer as module
    from villegraph.config import Settings
    from villegraph.load import load_dataset

    settings = Settings.from_env({"VILLEGRAPH_DATA_DIR": sys.argv[1]})
    assert settings.ontology_dir is not None
    dataset = load_dataset(settings)
    sampler = Sampler()
    sampler.start()
    loaded = sampler.reset()
    rows: list[dict[str, Any]] = []
    name = "write_rule" if hasattr(module, "write_rule") else "run_rule"
    original = getattr(module, name)

    def bracketed(store: Any, rule: Any, *rest: Any) -> Any:
        if rows:
            rows[-1]["after_load_mib"] = _rss_mib()
            rows[-1]["load_peak_mib"] = max(sampler.high, rows[-1]["after_load_mib"])
        start = sampler.reset()
        began = time.process_time()
        result = original(store, rule, *rest)
        rows.append({"rule": rule.name, "start_mib": start, "cpu": time.process_time() - began,
                     "eval_peak_mib": max(sampler.high, _rss_mib())})  # fmt: skip
        sampler.reset()
        return result

    setattr(module, name, bracketed)
    began = time.process_time()
    sizes = {"slice_size": int(sys.argv[2])} if len(sys.argv) > 2 else {}
    report = module.infer(dataset, module.load_rules(settings.ontology_dir / "rules"), **sizes)
    cpu = time.process_time() - began
    rows[-1]["after_load_mib"] = _rss_mib()
    rows[-1]["load_peak_mib"] = max(sampler.high, rows[-1]["after_load_mib"])
    for row in rows:
        row["above_start_mib"] = row["eval_peak_mib"] - row["start_mib"]
        print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in row.items()}))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"loaded_mib": round(loaded), "after_infer_mib": round(_rss_mib()),
                      "peak_mib": round(peak), "infer_cpu": round(cpu, 2),
                      "derived": report.triples}))  # fmt: skip


if __name__ == "__main__":
    main()
