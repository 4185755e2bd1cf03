#!/bin/sh
# Configure from the environment, trust the stack's CA, wait for MariaDB, install, serve.
set -eu
php /usr/local/lib/igny8/write-config.php

if [ -f /run/igny8-tls/ca.pem ]; then
  cp /run/igny8-tls/ca.pem /usr/local/share/ca-certificates/igny8-stack-ca.crt
  update-ca-certificates >/dev/null 2>&1
fi

i=0
until mariadb-admin ping -h "${WP_DB_HOST:-mariadb}" -u "${WP_DB_USER:-wordpress}" -p"$WP_DB_PASSWORD" --silent >/dev/null 2>&1; do
  i=$((i + 1)); [ "$i" -lt 120 ] || { echo "igny8: MariaDB did not answer" >&2; exit 1; }
  sleep 0.5
done

touch /var/lib/wordpress/wp-content/debug.log
chown www-data:www-data /var/lib/wordpress/wp-content/debug.log
runuser -u www-data -- php /usr/local/lib/igny8/install.php
set +u; . /etc/apache2/envvars; set -u
exec apache2 -D FOREGROUND
