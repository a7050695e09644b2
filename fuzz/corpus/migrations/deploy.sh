#!/bin/sh
set -e
migrate -path db/migrations -database "$PORTAL_DB_URL" up
for f in db/*.sql; do psql "$DATABASE_URL" -f "$f"; done
python3 manage.py migrate --noinput
-- +goose Up
CREATE TABLE a();
-- +goose Down
