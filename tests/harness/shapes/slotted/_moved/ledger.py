"""Applying a transaction to an account (moved out of ``Account``)."""

from __future__ import annotations


def apply_transaction(account, transaction):
    if transaction.kind == "deposit":
        account.balance += transaction.amount
    else:
        account.balance -= transaction.amount + account.fee
    account._history.append(f"{transaction.kind}:{transaction.amount}")
    return account
