"""The few tail probabilities the warning rules (dangqun.alerts) test with, in plain Python: exact sums of
binomial and Poisson terms, each term in log space (math.lgamma) so large counts neither overflow nor
underflow before they are added. scipy would give the same numbers but is not a dependency."""
from __future__ import annotations

import math


def _binom_log_pmf(i: int, n: int, p: float) -> float:
    return (math.lgamma(n + 1) - math.lgamma(i + 1) - math.lgamma(n - i + 1)
            + i * math.log(p) + (n - i) * math.log1p(-p))


def binom_cdf(k: int, n: int, p: float) -> float:
    """P(X ≤ k) for X ~ Binomial(n, p): the one-sided p-value of k successes when fewer are the alarm."""
    if n < 0 or not 0 <= p <= 1:
        raise ValueError(f"binom_cdf: n={n}, p={p}")
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    if p == 0:
        return 1.0
    if p == 1:
        return 0.0
    if k >= n * p:
        return min(1.0, math.fsum(math.exp(_binom_log_pmf(i, n, p)) for i in range(k + 1)))
    terms = []     # below the mean every term is smaller than the one above it: stop when they add nothing
    for i in range(k, -1, -1):
        terms.append(math.exp(_binom_log_pmf(i, n, p)))
        if terms[-1] <= 1e-17 * terms[0]:
            break
    return min(1.0, math.fsum(terms))


def binom_sf(k: int, n: int, p: float) -> float:
    """P(X ≥ k) for X ~ Binomial(n, p), summed over the upper terms (not 1 − cdf, which loses a small tail)."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    if p == 0:
        return 0.0
    if p == 1:
        return 1.0
    if k <= n * p:
        return min(1.0, math.fsum(math.exp(_binom_log_pmf(i, n, p)) for i in range(k, n + 1)))
    terms = []     # above the mean every term is smaller than the one before: stop when they add nothing
    for i in range(k, n + 1):
        terms.append(math.exp(_binom_log_pmf(i, n, p)))
        if terms[-1] <= 1e-17 * terms[0]:
            break
    return min(1.0, math.fsum(terms))


def poisson_sf(x: int, lam: float) -> float:
    """P(X ≥ x) for X ~ Poisson(lam), summed over the upper terms until they no longer add anything."""
    if lam < 0:
        raise ValueError(f"poisson_sf: lam={lam}")
    if x <= 0:
        return 1.0
    if lam == 0:
        return 0.0
    def term(i):
        return math.exp(i * math.log(lam) - lam - math.lgamma(i + 1))

    if x <= lam:   # the tail is at least about a half: one minus the few lower terms is exact enough
        return max(0.0, 1.0 - math.fsum(term(i) for i in range(x)))
    terms, i = [], x
    while True:    # beyond the mode every term is smaller than the one before
        terms.append(term(i))
        if terms[-1] <= 1e-17 * terms[0]:
            break
        i += 1
    return min(1.0, math.fsum(terms))


def poisson_pmf(x: int, lam: float) -> float:
    """P(X = x) for X ~ Poisson(lam): a lower bound of poisson_sf(x, lam), so a count whose own
    probability is at least alpha cannot be an alarm and needs no tail sum."""
    if lam < 0 or x < 0:
        raise ValueError(f"poisson_pmf: x={x}, lam={lam}")
    if lam == 0:
        return 1.0 if x == 0 else 0.0
    return math.exp(x * math.log(lam) - lam - math.lgamma(x + 1))


def poisson_upper_limit(lam: float, alpha: float) -> int:
    """The smallest count u from the mode up with P(X > u) ≤ alpha: a count above u is an alarm at level
    alpha (poisson_sf(count, lam) ≤ alpha). One pass: the terms above the mode until they no longer
    matter, their tail sums added from the far end (small terms first), then the first tail within alpha
    (asking poisson_sf afresh for each u cost O(√lam) sums of O(√lam) terms: seconds at 20M records)."""
    u0 = max(0, math.floor(lam))
    if lam == 0:
        return 0
    terms, i = [], u0 + 1
    while True:
        terms.append(poisson_pmf(i, lam))
        if terms[-1] <= 1e-17 * alpha:
            break
        i += 1
    tails, tail = [0.0] * len(terms), 0.0
    for j in range(len(terms) - 1, -1, -1):
        tail += terms[j]
        tails[j] = tail            # P(X ≥ u0 + 1 + j) = P(X > u0 + j)
    u = u0
    while u - u0 < len(tails) and tails[u - u0] > alpha:
        u += 1
    return u


def p_chart_lower(p0: float, n: int, sigmas: float = 3.0) -> float:
    """The p-chart's lower control limit for a rate with baseline p0 on n trials (never below 0)."""
    return max(0.0, p0 - sigmas * math.sqrt(p0 * (1 - p0) / n)) if n > 0 else 0.0
