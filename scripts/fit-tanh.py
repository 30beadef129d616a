"""Fits the polynomial native/elementwise.cc's tanh uses below |x| = 0.55 (kTanhPoly).

    python3 scripts/fit-tanh.py

tanh(a) = a + a^3 P(a^2): P is a degree-10 Chebyshev fit (mpmath.chebyfit, 40 digits) of
(tanh(a) - a) / a^3 over a^2 in [0, 0.55^2]. Prints the coefficients, lowest degree first, as
doubles (repr: the shortest decimal that reads back as the same double), and the fit's error.
Needs mpmath (pip install mpmath); nothing at build or test time does.
"""
import mpmath as mp

mp.mp.dps = 40


def p(z):
    if z == 0:
        return mp.mpf(-1) / 3
    a = mp.sqrt(z)
    return (mp.tanh(a) - a) / a**3


poly, err = mp.chebyfit(p, [0, 0.3025], 11, error=True)  # 0.55 ** 2, as the double 0.3025
print(", ".join(repr(float(c)) for c in reversed(poly)))
# |P| falls from 1/3 at 0 to P(0.3025) ~ 0.2974, so relative to P the error is at most err / that.
print("max error of P:", mp.nstr(err, 3), "relative:", mp.nstr(err / abs(p(mp.mpf("0.3025"))), 3))
