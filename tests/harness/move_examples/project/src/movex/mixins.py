"""A mixin whose method the examples move out."""


class AuditMixin:
    def audit(self, event, **details):
        self.log.append((event, sorted(details.items())))
        return len(self.log)


class Account(AuditMixin):
    def __init__(self):
        self.log = []
        self.balance = 0

    def deposit(self, amount):
        self.balance += amount
        return self.audit("deposit", amount=amount, balance=self.balance)
