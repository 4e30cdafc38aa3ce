#!/bin/sh
# The broker as the rabbitmq user, in the foreground, as PID 1 (no wrapper in between).
set -e
chown rabbitmq:rabbitmq /var/lib/rabbitmq
cd /var/lib/rabbitmq
exec setpriv --reuid=rabbitmq --regid=rabbitmq --init-groups \
    env HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
