"""`manage.py seed_demo` (CONTRACT §2, DESIGN §7): load the demo town 石桥镇 (``demo``), one part after another,
and print the demo logins; idempotent."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from demo import (
    annual_reports,
    brigade,
    catalogue,
    decisions,
    enforcement,
    logins,
    mediation,
    network,
    people,
    petitions,
    reminders,
    villages,
)
from workflows.errors import Refusal


class Command(BaseCommand):
    help = ("Load the demo town 石桥镇 (users, major decisions in every state, joint meetings, the enforcement "
            "brigade and cases in every state, a year of petitions); idempotent.")

    def handle(self, *args, **options):
        self.created = 0
        today = timezone.localdate()
        try:
            users, created = people.seed_users()
            self.created += created
            self.created += decisions.seed_decisions(users, today, self.stderr)
            # The enforcement parts count from the day they start.
            enforcement_day = timezone.localdate()
            self.created += villages.seed_villages()
            self.created += catalogue.seed_catalogue()
            self.created += brigade.seed_brigade(enforcement_day)
            self.created += enforcement.seed_cases(self.stdout, enforcement_day)
            petition_count = petitions.seed_petitions(users, timezone.localdate())
            if petition_count:
                self.stdout.write(f"petitions: {petition_count} petitions over the last twelve months")
            self.created += petition_count
            # The rest of the register in bulk: last year's report counts the town's figures (demo.petitions).
            self.created += petitions.seed_petition_register(users, timezone.localdate())
            # 人民调解 (issue 15): the committees, mediators and the year's mediations.
            self.created += mediation.seed_mediation(users, timezone.localdate())
            self.created += network.seed_network(users, timezone.localdate())
            # Last year's annual reports, their deadlines and narrative (reports.services).
            self.created += annual_reports.seed_annual_reports(users, timezone.localdate())
            reminders.plan_missing_reminders(self.stdout)
        except Refusal as refusal:
            raise CommandError(f"the services refused a demo step: {refusal.detail} {refusal.fields or ''}") from refusal
        if self.created:
            self.stdout.write(self.style.SUCCESS(f"demo data loaded: {self.created} objects created"))
        else:
            self.stdout.write("demo data already loaded")
        logins.print_logins(self.stdout)
