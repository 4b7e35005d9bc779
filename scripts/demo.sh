#!/usr/bin/env bash
# Runs the lawflow demo: Celery worker and beat in the background, the web server in the foreground.
# Ctrl-C (or TERM, or the web server exiting) stops all three.
# `make demo` migrates and seeds first; this script only starts the processes.
# Environment variables (DATABASE_URL, REDIS_URL, …) pass through untouched.
set -uo pipefail

cd "$(dirname "$0")/.."
BIN=.venv/bin
ADDR=${DEMO_ADDR:-127.0.0.1:8000}
# Links in reminders (in-app, e-mail) point at the address served here, unless SITE_URL says otherwise
# (e.g. the address other PCs use when ADDR is 0.0.0.0:8000).
export SITE_URL=${SITE_URL:-http://$ADDR}

if [ ! -x "$BIN/python" ]; then
    echo "demo.sh: $BIN/python not found; run 'make demo' (or 'make venv') first." >&2
    exit 1
fi

# The embedded broker (REDIS_URL unset) keeps its messages in var/broker/ (config/settings.py).
mkdir -p var/broker/queue var/broker/processed
# Demo e-mail reminders land in var/mail/ unless a mail server is configured; SMS print in the worker's log
# (SMS_BACKEND=console, the default) unless another backend is chosen.
export EMAIL_BACKEND=${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend}
export EMAIL_FILE_PATH=${EMAIL_FILE_PATH:-var/mail}

pids=()
web_pid=""
stopping=0

cleanup() {
    [ "$stopping" -eq 1 ] && return
    stopping=1
    trap '' INT TERM
    echo
    echo "demo.sh: stopping the web server, Celery worker and beat …"
    [ -n "$web_pid" ] && kill -TERM "$web_pid" 2>/dev/null
    # TERM to each Celery main process: a warm shutdown that lets the running task finish.
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
    # Give them 10 s; then kill what is left, whole process groups (set -m below), pool processes too.
    for _ in $(seq 1 20); do
        alive=0
        for pid in ${web_pid:+"$web_pid"} "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [ "$alive" -eq 0 ] && break
        sleep 0.5
    done
    for pid in "${pids[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
    [ -n "$web_pid" ] && kill -KILL "$web_pid" 2>/dev/null
    wait 2>/dev/null
    echo "demo.sh: stopped."
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Job control on: each Celery process leads its own process group, so the terminal's Ctrl-C reaches
# only this script (and make); the trap then stops everything in an orderly way.
set -m
"$BIN/celery" -A config worker --loglevel=info --concurrency=1 </dev/null &
pids+=("$!")
"$BIN/celery" -A config beat --loglevel=info --schedule var/celerybeat-schedule </dev/null &
pids+=("$!")
set +m

# Let the Celery banners go by, then repeat what the user needs to see.
sleep 3
echo
echo "================================================================"
echo " lawflow demo: $SITE_URL/   (API: $SITE_URL/api/v1/docs/)"
if [ -s var/demo-logins.txt ]; then
    echo " Demo logins (from seed_demo, also in var/demo-logins.txt):"
    sed 's/^/   /' var/demo-logins.txt
fi
echo " Reminders (every minute): in-app (我的消息), e-mail in $EMAIL_FILE_PATH/, SMS in the worker's log;"
echo " their links point at SITE_URL=$SITE_URL."
echo " Ctrl-C stops the web server, the Celery worker and beat."
echo "================================================================"
echo

for pid in "${pids[@]}"; do
    if ! kill -0 "$pid" 2>/dev/null; then
        echo "demo.sh: a Celery process (pid $pid) exited at start-up; see its output above." >&2
        exit 1
    fi
done

# The web server is the demo's foreground process: its output is the terminal's, and when it exits the
# demo ends. It runs as a job of this script (not `exec`, not a plain foreground command) so that the
# INT/TERM traps fire at once: bash defers traps while a foreground command runs.
"$BIN/python" manage.py runserver "$ADDR" --noreload </dev/null &
web_pid=$!
wait "$web_pid"
rc=$?
web_pid=""
exit "$rc"
