"""The demo town 石桥镇 (DESIGN §7), loaded by ``manage.py seed_demo`` (CONTRACT §2).

The town as its 2023 rule-of-law report describes it (宝丰县石桥镇人民政府关于2023年法治政府建设情况的报告): users for
every role, 28 villages, a judicial office, a brigade of 16 certified officers (one certificate about to expire,
one expired), a violation catalogue with discretion ranges, joint meetings, and decisions and cases spread over
every state, some near or past their deadlines. Every step that has a flow goes through the services and
``workflows.services.fire_transition`` as the user whose role acts, so that numbers, deadlines and the audit
trail are real.

One module per part of the town, loaded in this order by ``demo/management/commands/seed_demo.py``:

1. ``people``: one user for every role of CONTRACT §3, the demo password (``DEMO_PASSWORD``);
2. ``decisions``: major decisions and normative documents in every decision state, the joint meetings;
3. ``villages``: the 28 administrative villages;
4. ``catalogue``: the violation catalogue (赋权事项);
5. ``brigade``: the other 15 officers and the 16 enforcement certificates;
6. ``enforcement``: enforcement cases in every case state;
7. ``petitions``: a year of petitions (信访) in every petition state, then the rest of last year's register (and of
   this year's until 75 days ago) as closed rows in bulk: last year 175 visits (来访) and the other channels;
8. ``mediation``: the town's and the 28 villages' mediation committees, their mediators, a year of mediations, then
   the rest of last year's register (43 of the town's committee, 96 of the villages') as closed rows in bulk;
9. ``network``: the 28 village legal advisers, 159 法律明白人 registered last year, and the rule-of-law activities of
   last year in full and of this year so far (12 meetings, 12 study sessions, 6 trainings, 10 campaigns, 84 village
   publicity activities, 52 performances, 12 lectures a year);
10. ``annual_reports``: last year's 法治政府建设年度报告 and 行政执法统计年报 opened with their deadlines, their
    narrative kept;
11. ``reminders``: reminders planned for open deadlines that have none;

then ``logins`` prints the demo logins. A part imports only the parts before it that it names (``brigade`` and
``logins`` import ``people``; ``enforcement`` and ``logins`` import ``brigade``; ``petitions`` imports
``enforcement``; ``petitions`` and ``mediation`` import ``bulk``) and any app's models, services and selectors; no
app imports ``demo``.

The bulk registers (``bulk``) take their numbers from the yearly series, so later registrations continue it; last
year's report (reports.figures) so counts the town's figures whatever today is.

Idempotent: every object has a natural key (a user's username, a decision's or a meeting's title, a village's
name, a violation type's code, a certificate's number, a case's description, a petition's content) and each part
creates only what is missing, in transactions that create a whole group or none of it (the users; a decision; a
meeting with the decisions deliberated on it; the villages; the catalogue; the brigade; a case with all its steps;
a petition with all its steps). A second run creates nothing, writes no audit entry and prints "demo data already
loaded" with the logins.
"""
