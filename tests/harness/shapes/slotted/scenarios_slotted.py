"""Characterization of ``Account.apply``."""

from __future__ import annotations

from golden_harness import Seam
from slotted.account import Account, Transaction

GOLDEN_SEAM = Seam("slotted", covers=["slotted.account:Account.apply"])


def test_deposit_updates_the_balance(golden):
    account = Account("ada", overdraft=50)
    golden.call(account.apply, Transaction("deposit", 30))


def test_withdrawal_pays_a_fee(golden):
    account = Account("ada", overdraft=50)
    golden.call(account.apply, Transaction("withdrawal", 20))


def test_overdraft_is_refused(golden):
    account = Account("ada", overdraft=5)
    golden.call(account.apply, Transaction("withdrawal", 20))
