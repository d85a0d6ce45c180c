from django.core.management.base import BaseCommand, CommandError

from comments import triage


class Command(BaseCommand):
    help = (
        "Train the triage model on the replies moderators approved or marked spam, cross-validate it, choose "
        "its thresholds and make it the active version. Run it nightly (README, Triage)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Measure and print, but store nothing and keep the active model."
        )
        parser.add_argument("--folds", type=int, help="Cross-validation folds (default 5; 3 past 20,000 decisions).")

    def handle(self, *args, dry_run=False, folds=None, **options):
        if folds is not None and folds < 2:
            raise CommandError("--folds must be at least 2.")
        try:
            model = triage.train(activate=not dry_run, folds=folds)
        except triage.NotEnoughDecisions as cold:
            counts = triage.decision_counts()
            raise CommandError(
                f"Not enough decisions yet: {counts['approved']} approved and {counts['spam']} spam. Still needed: "
                f"{cold.needed['total']} more in all, {cold.needed['approved']} more approved, "
                f"{cold.needed['spam']} more spam."
            ) from None
        m = model.metrics
        write = self.stdout.write
        write(f"Decisions: {model.decisions} ({m['approved']} approved = ham, {m['spam']} spam; "
              f"{m['rejected_left_out']} rejected left out; {m['overturned']} overturns weighted "
              f"×{triage.OVERTURN_WEIGHT:g}).")
        write(f"Cross-validated: precision {m['precision']:.3f}, recall {m['recall']:.3f}, "
              f"ROC AUC {m['roc_auc']:.3f} (at spam_at).")
        write(f"Thresholds: spam at {model.spam_at:.4f} — {m['recall']:.1%} of spam marked spam, "
              f"{m['ham_marked_spam']:.1%} of approved replies would have been; hold at {model.hold_at:.4f} — "
              f"{m['hold_recall']:.1%} of spam held or marked, {m['ham_held']:.1%} of approved replies held.")
        for row in m["table"]:
            write(f"  ≥ {row['threshold']:.4f}: spam caught {row['tp']}, missed {row['fn']}; "
                  f"approved flagged {row['fp']}, passed {row['tn']}")
        if dry_run:
            write("Dry run: nothing stored.")
        else:
            write(self.style.SUCCESS(f"Stored and activated triage model v{model.pk} ({m['seconds']} s)."))
