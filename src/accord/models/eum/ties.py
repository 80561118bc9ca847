"""Machine-independent EUM decisions: near ties between expected utilities settled in exact arithmetic.

Every move in the EUM turns on the sign of an expected utility or of a difference of two
(E_ij > 0, E_ji > E_ij, E_ji > |E_ij|). Those values are sums of terms of order one (utilities
lie in [-2, 2], probabilities and saliences in [0, 1]) computed with ``pow``, whose last bit
differs between CPUs (NumPy's AVX-512 kernels against libm differ by one ULP on about 5% of
inputs). When two actors stand almost on the same spot, E_ij ≈ −E_ji and their difference is a
few 1e-16: the float result is rounding noise, and on the EC data it flipped the
mirrored-scale run from round 8 on one CPU kind (issue 11).

The rule, deterministic on every machine:

1. A sign computed in float64 is trusted when the value lies more than ``TIE`` from zero.
   ``TIE`` = 2^-40 ≈ 9e-13 is about 20 times the worst rounding error of these sums for up to a
   few hundred actors (each of the ~8 terms carries at most a few ULPs of a number of size <= 4,
   and P's normaliser adds n ULPs), and far below any margin a real decision has (the smallest on
   the EC trace and its variants is 4e-9).
2. Within ``TIE``, the value is recomputed for that one (receiver, sender) pair in exact decimal
   arithmetic at 60 significant digits (mpmath, pure Python integer arithmetic, so the same digits on
   every machine) from the round's float64 inputs (positions, capabilities, saliences and risk
   exponents: the risk exponents come from the r = 1 pass, which has no ``pow``), and its sign used.
3. A value that is zero to 60 digits is a true tie; the model's comparisons are strict, so a
   true tie never makes a move.

Rows with a near tie are rare (two of the 110 round-decisions of the mirrored EC run, none of the
default run), so the exact pass costs nothing measurable on the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import mpmath

    from .core import EUMParams

TIE = 2.0**-40
_DIGITS = 60


@dataclass(frozen=True)
class RoundInputs:
    """What a round's expected utilities are computed from, for exact recomputation of a near tie."""

    x: np.ndarray  # (B, n) positions
    w: np.ndarray  # (B, n) capability x salience
    s: np.ndarray  # (B, n) salience
    span: np.ndarray  # (B,)
    r: np.ndarray  # (B, n) risk exponents of the offer pass
    mu: np.ndarray | None  # (B,) median, when q < 1


@dataclass(frozen=True)
class Signs:
    """Signs (-1, 0, 1) of the four quantities the offer rules compare, receiver i in rows."""

    fwd: np.ndarray  # sign E_ij
    back: np.ndarray  # sign E_ji
    back_over_fwd: np.ndarray  # sign (E_ji − E_ij)
    back_over_abs: np.ndarray  # sign (E_ji − |E_ij|)


def _float_sign(value: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """float sign and the cells too close to zero to trust it."""
    return np.sign(value).astype(np.int8), np.abs(value) <= TIE


def _mpmath() -> ModuleType:
    """mpmath, imported on first use: near ties under ties='exact' are rare, and start-up time counts."""
    import mpmath

    return mpmath


class _ExactRound:
    """Exact E_ij and E_ji of one draw, with the draw's win numerators computed once."""

    def __init__(self, inputs: RoundInputs, b: int, params: EUMParams) -> None:
        mp = _mpmath().mp
        self.params = params
        self.x = [mp.mpf(float(v)) for v in inputs.x[b]]
        self.w = [mp.mpf(float(v)) for v in inputs.w[b]]
        self.s = [mp.mpf(float(v)) for v in inputs.s[b]]
        self.r = [mp.mpf(float(v)) for v in inputs.r[b]]
        self.span = mp.mpf(float(inputs.span[b]))
        self.mu = None if inputs.mu is None else mp.mpf(float(inputs.mu[b]))
        n = len(self.x)
        self.delta = [[abs(self.x[a] - self.x[k]) / self.span for k in range(n)] for a in range(n)]
        voter_r = self.r if params.votes == "voter" else [mp.mpf(1)] * n
        d = [[_mpmath().power(self.delta[k][a], voter_r[k]) for a in range(n)] for k in range(n)]
        zero = mp.mpf(0)
        self.num = [
            [sum((max(zero, self.w[k] * (d[k][bb] - d[k][a])) for k in range(n)), zero) for bb in range(n)]
            for a in range(n)
        ]
        if params.denominator == "global":
            self.total = 2 * sum((sum(row, zero) for row in self.num), zero)
        elif params.denominator == "distinct":
            inv = [1 / mp.mpf(sum(1 for k in range(n) if self.x[k] == self.x[a])) for a in range(n)]
            self.total = 2 * sum((inv[a] * self.num[a][q] * inv[q] for a in range(n) for q in range(n)), zero)
        else:
            self.total = None

    def p(self, a: int, b: int) -> mpmath.mpf:
        den = self.num[a][b] + self.num[b][a] if self.total is None else self.total
        if self.x[a] == self.x[b] or den <= 0:
            return _mpmath().mpf(0)
        return self.num[a][b] / den

    def _u(self, base: mpmath.mpf, r: mpmath.mpf) -> mpmath.mpf:
        return 2 - 4 * _mpmath().power(base, r)

    def eu(
        self, a: int, b: int, p: mpmath.mpf, r: mpmath.mpf, lever_of: int, s_target: mpmath.mpf
    ) -> mpmath.mpf:
        """BDM's EU of a challenge between a and b (δ symmetric), under exponent r and one side's lever."""
        q, t = _mpmath().mpf(self.params.q), _mpmath().mpf(self.params.t)
        half = self.delta[a][b] / 2
        u_s = self._u(max(_mpmath().mpf("0.5") - half, _mpmath().mpf(0)), r)
        u_f = self._u(_mpmath().mpf("0.5") + half, r)
        u_sq = q * self._u(_mpmath().mpf("0.5"), r)
        if self.params.q < 1:
            other = b if lever_of == a else a
            lever = abs(self.x[lever_of] - self.mu) / self.span + self.delta[lever_of][other]
            u_b = self._u(max(_mpmath().mpf("0.5") - lever / 4, _mpmath().mpf(0)), r)
            u_w = self._u(_mpmath().mpf("0.5") + lever / 4, r)
            u_sq = u_sq + (1 - q) * (t * u_b + (1 - t) * u_w)
        return s_target * (p * u_s + (1 - p) * u_f) + (1 - s_target) * u_s - u_sq

    def pair(self, i: int, j: int) -> tuple[mpmath.mpf, mpmath.mpf]:
        """(E_ij, E_ji) exactly as core.eum_round forms them for receiver i and sender j."""
        e_fwd = self.eu(i, j, self.p(i, j), self.r[i], i, self.s[j])
        if self.params.exponent == "challenger":
            e_back = self.eu(j, i, self.p(j, i), self.r[j], j, self.s[i])
        else:
            e_back = self.eu(i, j, self.p(j, i), self.r[i], j, self.s[i])
        return e_fwd, e_back


def decision_signs(
    e_fwd: np.ndarray, e_back: np.ndarray, inputs: RoundInputs, params: EUMParams
) -> tuple[Signs, np.ndarray, np.ndarray]:
    """The four signs the offer rules need, near ties (|value| <= TIE) settled exactly (module docstring).

    Returns the signs and E_ij, E_ji with every recomputed cell replaced by its exact value rounded
    to float64, so that a compromise position computed from them is the same on every machine and
    lies between the two positions whenever the exact comparison made it a compromise.
    """
    values = (e_fwd, e_back, e_back - e_fwd, e_back - np.abs(e_fwd))
    signs, near = zip(*(_float_sign(v) for v in values), strict=True)
    if params.ties == "stay":
        for sign, close in zip(signs, near, strict=True):
            sign[close] = 0
        return Signs(*signs), e_fwd, e_back
    cells = np.argwhere(np.logical_or.reduce(near))
    if cells.size:
        e_fwd, e_back = e_fwd.copy(), e_back.copy()
        exact: dict[int, _ExactRound] = {}
        with _mpmath().workdps(_DIGITS):
            for b, i, j in cells:
                if i == j:
                    continue
                draw = exact.setdefault(int(b), _ExactRound(inputs, int(b), params))
                fwd, back = draw.pair(int(i), int(j))
                for sign, close, value in zip(
                    signs, near, (fwd, back, back - fwd, back - abs(fwd)), strict=True
                ):
                    if close[b, i, j]:
                        sign[b, i, j] = int(_mpmath().sign(value))
                e_fwd[b, i, j], e_back[b, i, j] = float(fwd), float(back)
    return Signs(*signs), e_fwd, e_back
