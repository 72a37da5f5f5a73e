"""The test-identity rule: a formally valid id's individual number decides the credit decision."""

from __future__ import annotations

import enum
from decimal import Decimal

from .identities import Identity

__all__ = ["CREDIT_LIMIT", "Decision", "decide", "decide_after_authentication"]

CREDIT_LIMIT = Decimal("500.00")  # for individual numbers 400-499


class Decision(enum.Enum):
    APPROVED = "Approved"
    PENDING = "Pending"  # needs the redirect (strong authentication) before it is approved
    DENIED = "Denied"  # answered 200 with the order in status Denied
    CREDIT_LIMIT = "CreditLimit"  # 20026
    SCORING_FAILED = "ScoringFailed"  # 20020


def decide(identity: Identity, amount: Decimal) -> Decision:
    """Hundreds digit of the individual number: 0,1,5-8 approve; 2 pending; 3 deny; 4 limit 500 €; 9 fail.

    The doc's own example customer 010771-257W is therefore Pending, as in its create-order example.
    """
    band = identity.individual_number // 100
    if band == 2:
        return Decision.PENDING
    if band == 3:
        return Decision.DENIED
    if band == 4:
        return Decision.APPROVED if amount <= CREDIT_LIMIT else Decision.CREDIT_LIMIT
    if band == 9:
        return Decision.SCORING_FAILED
    return Decision.APPROVED


def decide_after_authentication(identity: Identity, amount: Decimal) -> Decision:
    """After the bank step a pending person counts as approved; every other outcome is final."""
    decision = decide(identity, amount)
    if decision is Decision.PENDING:
        return Decision.APPROVED
    if decision is Decision.APPROVED:
        return decision
    return Decision.DENIED
