"""Allocation at 1x, 10x and 100x the national round, per method, CPU seconds, one run.

Not a test (no timing is asserted): ``python tests/allocation_scaling.py rules`` prints
the whole round (read, decide, ration, report) at 1x and 10x, and the rationing alone
(what grew super-linearly before) at 1x, 10x and 100x (best of a few runs), with the
ratios. 10x/100x: the round's applications repeated with new ids, in a copy of the rules
that identifies a body by its id, so that the copies all take part.
"""

import copy
import dataclasses
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import yaml
from conftest import dump_rule_file

import capcoe_rules.allocation.round as round_module
from capcoe_rules import Engine
from capcoe_rules.allocation import allocate_round, ration
from capcoe_rules.population import national_round_applications

rules = Path(tempfile.mkdtemp()) / "rules"
shutil.copytree(sys.argv[1], rules)
path = rules / "assunzioni" / "riparto.yaml"
doc = yaml.safe_load(path.read_text())
doc["allocation"]["one_request_per_body"]["identity"] = ["application.id"]
path.write_text(dump_rule_file(doc))
engine = Engine.from_path(rules)
base = list(national_round_applications())


def scaled(factor):
    out = []
    for n in range(factor):
        for case in base:
            c = copy.deepcopy(case) if n else case
            if n:
                c["id"] = f"{case['id']}-x{n}"
            out.append(c)
    return out


captured = {}
real = round_module.ration


def spy(claimants, limits, plan):
    captured["args"] = (list(claimants), limits, plan)
    return real(claimants, limits, plan)


round_module.ration = spy

methods = ("decreto_2024", "proporzionale", "priorita")
whole = {}
core_args = {}
inputs = {1: base, 10: scaled(10)}
for factor, apps in inputs.items():
    for method in methods:
        t = time.process_time()
        result = allocate_round(engine, apps, method=method)
        whole[(factor, method)] = time.process_time() - t
        assert result.totals.allocated == 2129, result.totals
        if factor == 1:
            core_args[method] = captured["args"]
round_module.ration = real
core = {}
for method in methods:
    claimants, limits, plan = core_args[method]
    for factor, repeats in ((1, 7), (10, 5), (100, 2)):
        many = [
            dataclasses.replace(c, key=f"{c.key}-x{n}") for n in range(factor) for c in claimants
        ]
        times = []
        for _ in range(repeats):  # the best of a few: the machine is shared
            t = time.process_time()
            r = ration(many, limits, plan)
            times.append(time.process_time() - t)
        core[(factor, method)] = min(times)
        assert sum(map(sum, r.shares.values())) == 2129
print(f"load average: {os.getloadavg()}")
print(
    f"{'method':14} {'round 1x':>9} {'round 10x':>10} {'ratio':>6} | {'ration 1x':>9} {'10x':>8} {'ratio':>6} {'100x':>8} {'ratio':>6}"
)
for m in methods:
    print(
        f"{m:14} {whole[(1, m)]:9.2f} {whole[(10, m)]:10.2f} {whole[(10, m)] / whole[(1, m)]:6.1f} | "
        f"{core[(1, m)]:9.3f} {core[(10, m)]:8.3f} {core[(10, m)] / core[(1, m)]:6.1f} {core[(100, m)]:8.2f} {core[(100, m)] / core[(1, m)]:6.1f}"
    )
print("claimants at 1x:", {m: len(core_args[m][0]) for m in methods})
