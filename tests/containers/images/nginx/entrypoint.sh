#!/bin/sh
# The nginx image's start, as far as docker-compose.yml uses it: every executable
# /docker-entrypoint.d/*.envsh sourced (in name order), then each
# /etc/nginx/templates/NAME.template written to $NGINX_ENVSUBST_OUTPUT_DIR/NAME with the
# environment's variables filled in (only those: nginx's own $variables stay), then nginx.
set -e
for script in /docker-entrypoint.d/*.envsh; do
    [ -x "$script" ] && . "$script"
done
output=${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}
defined=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/${\1}/p' | tr '\n' ' ')
for template in /etc/nginx/templates/*.template; do
    [ -e "$template" ] || continue
    envsubst "$defined" < "$template" > "$output/$(basename "$template" .template)"
done
exec "$@"
