"""Issue 10, fault 9: reminder links point at the server users open, and mail comes from the town's platform.

`DEMO_ADDR=127.0.0.1:8123 make demo` used to send every reminder with links to http://127.0.0.1:8000/… and mail from
webmaster@localhost. SITE_URL (set by `make demo` from DEMO_ADDR unless given) is the one base of every link in a
message; DEFAULT_FROM_EMAIL names the town and the site's domain unless given.
"""

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail

from notifications.reminders import deliver, sweep

from .reminder_fixtures import review_deadline, stage_time, submit_decision

ROOT = Path(__file__).resolve().parent.parent


def settings_in_subprocess(**env) -> dict:
    """What config.settings gives in a fresh process with this environment."""
    code = ("import json, django; from django.conf import settings; django.setup(); "
            "print(json.dumps({k: getattr(settings, k) for k in "
            "('SITE_URL', 'DEFAULT_FROM_EMAIL', 'ALLOWED_HOSTS')}))")
    clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEFAULT_FROM_EMAIL", "ALLOWED_HOSTS")}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env}, capture_output=True,
                            text=True, timeout=120, check=True)
    import json

    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.django_db
@pytest.mark.clock
def test_in_app_and_e_mail_reminders_link_to_site_url_and_come_from_the_town(api, judicial, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(datetime.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        decision = submit_decision(api, title="石桥镇集镇区农贸市场管理办法")
        deadline = review_deadline(decision)
    moment = stage_time(deadline, "before", 1)
    with time_machine.travel(moment, tick=False):
        sweep(now=moment, queue=deliver)
    link = f"http://127.0.0.1:8123/review/decisions/{decision['id']}/"
    message = judicial.notifications.get(delivery__isnull=False)
    assert message.link == link
    [sent] = mail.outbox
    assert link in sent.body and "127.0.0.1:8000" not in sent.body
    # The sender is the town's platform (the default of DEFAULT_FROM_EMAIL), not Django's webmaster@localhost.
    assert sent.from_email == settings.DEFAULT_FROM_EMAIL
    assert "石桥镇" in sent.from_email and "webmaster" not in sent.from_email


def test_default_sender_names_the_town_at_the_site_domain():
    got = settings_in_subprocess(SITE_URL="https://fazhi.shiqiao.gov.cn/", TOWN_NAME="石桥镇")
    assert got["SITE_URL"] == "https://fazhi.shiqiao.gov.cn"
    assert got["DEFAULT_FROM_EMAIL"] == "石桥镇法治平台 <lawflow@fazhi.shiqiao.gov.cn>"
    assert "fazhi.shiqiao.gov.cn" in got["ALLOWED_HOSTS"]  # the site answers at the address its links name
    demo = settings_in_subprocess(SITE_URL="http://127.0.0.1:8123")
    assert demo["DEFAULT_FROM_EMAIL"] == "石桥镇法治平台 <lawflow@localhost>"  # an IP is no mail domain
    chosen = settings_in_subprocess(SITE_URL="http://127.0.0.1:8123", DEFAULT_FROM_EMAIL="fzb@shiqiao.gov.cn")
    assert chosen["DEFAULT_FROM_EMAIL"] == "fzb@shiqiao.gov.cn"


def test_a_site_url_without_scheme_is_refused_at_start():
    with pytest.raises(subprocess.CalledProcessError) as refused:
        settings_in_subprocess(SITE_URL="127.0.0.1:8123")
    assert "SITE_URL" in refused.value.stderr


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo_passes_site_url_from_demo_addr():
    def dry_run(**env):
        clean = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DEMO_ADDR")}
        out = subprocess.run(["make", "-n", "demo", *[f"{k}={v}" for k, v in env.items() if k == "DEMO_ADDR"]],
                             cwd=ROOT, env={**clean, **{k: v for k, v in env.items() if k != "DEMO_ADDR"}},
                             capture_output=True, text=True, timeout=60, check=True).stdout
        return [line for line in out.splitlines() if "seed_demo" in line or "scripts/demo.sh" in line]

    lines = dry_run(DEMO_ADDR="127.0.0.1:8123")
    assert len(lines) == 2 and all('SITE_URL="http://127.0.0.1:8123"' in line for line in lines)
    lines = dry_run(DEMO_ADDR="0.0.0.0:8123", SITE_URL="http://10.1.2.3:8123")
    assert len(lines) == 2 and all('SITE_URL="http://10.1.2.3:8123"' in line for line in lines)


def test_demo_script_gives_the_web_server_and_workers_site_url_from_demo_addr(tmp_path):
    """Runs scripts/demo.sh itself with stand-ins for python and celery that record their environment."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "demo.sh", tmp_path / "scripts" / "demo.sh")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    record = tmp_path / "env.txt"
    # celery stand-in: records SITE_URL and stays up (demo.sh checks it is alive); python: records and exits.
    (bin_dir / "celery").write_text(f'#!/bin/sh\necho "celery $SITE_URL" >> {record}\nexec sleep 60\n')
    (bin_dir / "python").write_text(f'#!/bin/sh\necho "python $SITE_URL $*" >> {record}\n')
    for name in ("celery", "python"):
        (bin_dir / name).chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    subprocess.run(["bash", str(tmp_path / "scripts" / "demo.sh")], cwd=tmp_path,
                   env={**env, "DEMO_ADDR": "127.0.0.1:8123"}, capture_output=True, text=True, timeout=60)
    lines = record.read_text().splitlines()
    assert sorted(line.split()[0] for line in lines) == ["celery", "celery", "python"]
    assert all(line.split()[1] == "http://127.0.0.1:8123" for line in lines), lines
    assert "runserver 127.0.0.1:8123" in [line for line in lines if line.startswith("python")][0]


@pytest.mark.django_db
def test_seed_demo_prints_the_site_url(settings):
    from io import StringIO

    from django.core.management import call_command

    settings.SITE_URL = "http://127.0.0.1:8123"
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert "open http://127.0.0.1:8123/" in out.getvalue()
