#!/usr/bin/env python3
"""The coefficients of assembly/f32-activations.ts's polynomial for e^r, and its error.

(e^r - 1)/r is interpolated at the DEGREE Chebyshev nodes of [-R, R] (R = 0.34658: ln2/2 and the
rounding of k) in 60-digit arithmetic; the coefficients C1..C_DEGREE are rounded to float64 and printed
with the largest relative error, over a grid of 4,001 points, of 1 + r*P(r) as e^r and of r*P(r)
as e^r - 1 (C1..C9 for the default degree). Needs mpmath (installed with the Python oracles: .venv/bin/python).
Usage: .venv/bin/python packages/tensor/scripts/fit-exp-polynomial.py [DEGREE]  (default 9)
"""
import sys

import mpmath as mp

mp.mp.dps = 60
R = mp.mpf("0.34658")
degree = int(sys.argv[1]) if len(sys.argv) > 1 else 9
n = degree  # P has `degree` coefficients: e^r ~ 1 + r*P(r) is of that degree


def quotient(x):
    """(e^x - 1)/x, 1 at 0."""
    return mp.expm1(x) / x if x != 0 else mp.mpf(1)


nodes = [R * mp.cos(mp.pi * (2 * i + 1) / (2 * n)) for i in range(n)]
solved = mp.lu_solve(mp.matrix([[x**j for j in range(n)] for x in nodes]), mp.matrix([quotient(x) for x in nodes]))
coefficients = [float(solved[j]) for j in range(n)]
as_exp = as_expm1 = mp.mpf(0)
for i in range(4001):
    x = -R + 2 * R * i / 4000
    p = sum(mp.mpf(c) * x**j for j, c in enumerate(coefficients))
    as_expm1 = max(as_expm1, abs(p / quotient(x) - 1))
    as_exp = max(as_exp, abs((1 + x * p) / mp.exp(x) - 1))
for j, c in enumerate(coefficients):
    print(f"C{j + 1} = {c!r}")
print(f"relative error as e^r: 2^{float(mp.log(as_exp, 2)):.1f}; as e^r - 1: 2^{float(mp.log(as_expm1, 2)):.1f}")
