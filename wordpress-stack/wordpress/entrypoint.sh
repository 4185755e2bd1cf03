#!/bin/sh
# Configure from the environment, trust the stack's CA, wait for MariaDB, install, serve.
set -eu
php /usr/local/lib/igny8/write-config.php

if [ -f /run/igny8-tls/ca.pem ]; then
  # What update-ca-certificates does for one CA, in milliseconds instead of its 0.7 s: the bundle
  # curl and PHP read is the image's own plus this stack's CA, and the CA is in the hashed directory.
  cat /etc/ssl/certs/ca-certificates.image.crt /run/igny8-tls/ca.pem > /etc/ssl/certs/ca-certificates.crt
  ln -sf /run/igny8-tls/ca.pem "/etc/ssl/certs/$(openssl x509 -hash -noout -in /run/igny8-tls/ca.pem).0"
fi

# --skip-ssl: the stack's MariaDB serves no TLS (mariadb/igny8.cnf), and MariaDB 11's client asks for it by default.
i=0
until answer=$(mariadb-admin ping --skip-ssl -h "${WP_DB_HOST:-mariadb}" -u "${WP_DB_USER:-wordpress}" -p"$WP_DB_PASSWORD" --silent 2>&1); do
  i=$((i + 1)); [ "$i" -lt 600 ] || { echo "igny8: MariaDB did not answer within 60 s; its last answer: $answer" >&2; exit 1; }
  sleep 0.1
done

touch /var/lib/wordpress/wp-content/debug.log
chown www-data:www-data /var/lib/wordpress/wp-content/debug.log
runuser -u www-data -- php /usr/local/lib/igny8/install.php
set +u; . /etc/apache2/envvars; set -u
exec apache2 -D FOREGROUND
