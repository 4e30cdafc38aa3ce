#!/bin/sh
# First start: a cluster whose postgres role has POSTGRES_PASSWORD, then the init scripts.
# Every start: the server as the postgres user, as PID 1, listening on the network.
set -e
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups "$@"; }
mkdir -p "$PGDATA" /run/postgresql
chown postgres:postgres "$PGDATA" /run/postgresql
chmod 700 "$PGDATA"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    : "${POSTGRES_PASSWORD:?the stand-in, like postgres:16, needs POSTGRES_PASSWORD}"
    password_file=$(mktemp)
    printf '%s\n' "$POSTGRES_PASSWORD" > "$password_file"
    chown postgres "$password_file"
    as_postgres initdb --username=postgres --pwfile="$password_file" \
        --auth-local=trust --auth-host=scram-sha-256 "$PGDATA"
    rm -f "$password_file"
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    # the init scripts run on the socket alone, so nobody connects before they are done
    as_postgres pg_ctl --pgdata="$PGDATA" --wait --options="-c listen_addresses=''" start
    for script in /docker-entrypoint-initdb.d/*.sql; do
        [ -e "$script" ] || continue
        as_postgres psql --username=postgres --set=ON_ERROR_STOP=1 --file="$script"
    done
    as_postgres pg_ctl --pgdata="$PGDATA" --wait --mode=fast stop
fi
exec setpriv --reuid=postgres --regid=postgres --init-groups \
    postgres -D "$PGDATA" -c listen_addresses='*' "$@"
