#!/bin/sh
# By hand: (re)start this backend under gunicorn on 127.0.0.1:18000, on a fresh database of a local
# PostgreSQL (PGPORT, default 55432, trust auth), with build/venv made from the wheelhouse:
#   python3 -m venv build/venv && build/venv/bin/pip install --no-index --find-links build/wheels -r requirements.txt requests
# Then: build/venv/bin/python devtests/smoke.py /tmp/igny8-seed-tenants.json (and tab.py, scale.py).
cd "$(dirname "$0")/.." || exit 1
PGPORT=${PGPORT:-55432}
[ -f build/gunicorn.pid ] && kill "$(cat build/gunicorn.pid)" 2>/dev/null && sleep 1
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -c "drop database if exists igny8" -c "create database igny8"
rm -f /tmp/igny8-seed-tenants.json
export DATABASE_URL=postgresql://postgres@127.0.0.1:$PGPORT/igny8
export DJANGO_SECRET_KEY=dev-secret
export DJANGO_ALLOWED_HOSTS=api.igny8.test,localhost,127.0.0.1,backend
export DJANGO_PASSWORD_HASHERS=django.contrib.auth.hashers.MD5PasswordHasher
export IGNY8_SEED_API_KEY=igny8_stackseedkey0123456789abcdef
export IGNY8_SEED_PASSWORD=stackpass
export IGNY8_SEED_USERNAME=stackuser
export IGNY8_SEED_TENANTS=Harness,Bystander
export IGNY8_API_RATE=${RATE:-1000/10}
export IGNY8_LOGIN_RATE=3/30
build/venv/bin/gunicorn -c gunicorn.conf.py --bind 127.0.0.1:18000 -p build/gunicorn.pid > build/gunicorn.log 2>&1 &
sleep 3
