"""The history of the realistic example: dated commits by the people of five teams.

Each commit: (date, author, message, {path in the repository: file under files/}). The
files under files/ are the tree as it stands today; files/versions/ holds what some of
them were before. tests/rules/test_realistic.py replays the plan into a real git repository.
"""

ANA = "Ana Architect <ana@shop.example>"
PRIYA = "Priya Platform <priya@shop.example>"
IVAN = "Ivan Identity <ivan@shop.example>"
PAOLO = "Paolo Payments <paolo@shop.example>"
GRACE = "Grace Growth <grace@shop.example>"
WES = "Wes Web <wes@shop.example>"


def same(*paths: str) -> dict[str, str]:
    return {path: path for path in paths}


COMMITS = [
    ("2026-01-05", ANA, "Start recording decisions",
     same("mkdocs.yml", "docs/index.md", "decisions/0001-record-architecture-decisions.md")),
    ("2026-01-10", PRIYA, "Order events 2.4 and event sourcing",
     {"docs/contracts/order-events.md": "versions/order-events-2.4.md",
      "decisions/0006-event-sourced-orders.md": "versions/0006-event-sourced-orders-accepted.md"}),
    ("2026-01-20", IVAN, "Customer profile 2.0: nested contact email",
     {"docs/contracts/customer-profile.md": "versions/customer-profile-2.0.md",
      **same("decisions/0002-nested-contact-email.md")}),
    ("2026-02-01", PRIYA, "Order events 3.0: drop order.legacy_id",
     {"docs/contracts/order-events.md": "versions/order-events-3.0.md"}),
    ("2026-02-02", PAOLO, "Payment capture API 1.2; retry transient errors",
     {"docs/contracts/payment-capture.md": "versions/payment-capture-1.2.md",
      **same("decisions/0003-retry-payment-errors.md")}),
    ("2026-02-15", PAOLO, "Intent: one-click reorder", same("docs/intents/one-click-reorder.md")),
    ("2026-03-01", GRACE, "Pricing rules; round half-even",
     same("docs/contracts/pricing-rules.md", "decisions/0005-round-half-even.md")),
    ("2026-03-02", WES, "Intent: support dashboard", same("docs/intents/support-dashboard.md")),
    ("2026-04-01", WES, "Intent: currency display", same("docs/intents/currency-display.md")),
    ("2026-04-02", WES, "Order tracking shipped", same("docs/intents/order-tracking.md")),
    ("2026-05-01", GRACE, "Referral program shipped", same("docs/intents/referral-program.md")),
    ("2026-05-10", IVAN, "Customer profile 2.1: customer.locale", same("docs/contracts/customer-profile.md")),
    ("2026-05-20", PAOLO, "Intents: express checkout, saved cards",
     same("docs/intents/express-checkout.md", "docs/intents/saved-cards.md")),
    ("2026-05-25", IVAN, "Intent: profile v3", same("docs/intents/profile-v3.md")),
    ("2026-05-26", GRACE, "Intents: loyalty tiers, newsletter opt-in",
     same("docs/intents/loyalty-tiers.md", "docs/intents/newsletter-opt-in.md")),
    ("2026-06-01", PAOLO, "Payment capture 1.3: idempotency keys", same("docs/contracts/payment-capture.md")),
    ("2026-06-01T15:00:00+00:00", WES, "Reliability before conversion at checkout",
     same("decisions/0008-reliability-before-conversion.md")),
    ("2026-06-10", PAOLO, "Intents: fraud screening, refunds v2, weekly payouts",
     same("docs/intents/fraud-screening.md", "docs/intents/refunds-v2.md", "docs/intents/payout-schedule.md")),
    ("2026-06-20", PRIYA, "An order table with an outbox replaces event sourcing",
     same("decisions/0006-event-sourced-orders.md", "decisions/0007-order-table-with-outbox.md")),
    ("2026-07-01", PRIYA, "Order events: explain the 3.0 removal (wording only)",
     same("docs/contracts/order-events.md")),
    ("2026-07-01T16:00:00+00:00", ANA, "Import the feature-flag record as it was written",
     same("decisions/0009-use-feature-flags.md")),
    ("2026-07-15", WES, "Intents: price transparency, guest wishlist, dark mode",
     same("docs/intents/price-transparency.md", "docs/intents/guest-wishlist.md", "docs/intents/dark-mode.md")),
    ("2026-08-01", GRACE, "Intent: promo stacking", same("docs/intents/promo-stacking.md")),
    ("2026-09-15", PAOLO, "Propose failing fast on card errors", same("decisions/0004-fail-fast-on-card-errors.md")),
]
