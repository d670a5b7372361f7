from golden_harness import Seam

from movex.mixins import Account

GOLDEN_SEAM = Seam("mixins", covers=["movex.mixins:AuditMixin.audit"])


def test_deposits_are_audited(golden):
    account = Account()
    golden.call(account.deposit, 5)
    golden.call(account.deposit, 7)
    golden.call(lambda: account.log)
