"""Fails when the op table and the derivative rules disagree.

Every op of ssa_ir/Ops.def with the Differentiable trait must have a case
in both rule switches (autodiff/ForwardRules.cpp and ReverseRules.cpp);
an op without it must have none (autodiff reports it as not
differentiable from the trait alone).

usage: check-rule-coverage.py SOURCE_ROOT
"""
import os
import re
import sys

root = sys.argv[1]
ops = {}
with open(os.path.join(root, 'ssa_ir', 'Ops.def')) as f:
    for m in re.finditer(r'^OP\((\w+),\s*"[^"]*",\s*[^,]+,\s*[^,]+,\s*[^,]+,'
                         r'\s*([^,]+),', f.read(), re.M):
        ops[m.group(1)] = 'Differentiable' in m.group(2)
if len(ops) < 50:
    sys.exit(f'read only {len(ops)} ops from Ops.def')

failures = []
for rules in ('ForwardRules.cpp', 'ReverseRules.cpp'):
    with open(os.path.join(root, 'autodiff', rules)) as f:
        cases = set(re.findall(r'case Opcode::(\w+):', f.read()))
    for op, differentiable in sorted(ops.items()):
        if differentiable and op not in cases:
            failures.append(f'{rules}: {op} is Differentiable in Ops.def '
                            'but has no rule')
        if not differentiable and op in cases:
            failures.append(f'{rules}: {op} has a rule but lacks the '
                            'Differentiable trait in Ops.def')
for failure in failures:
    print(failure)
if failures:
    sys.exit(1)
print(f'{sum(ops.values())} differentiable ops, each with both rules')
