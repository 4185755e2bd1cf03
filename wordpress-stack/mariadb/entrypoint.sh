#!/bin/sh
# The WordPress database and user are (re)made by --init-file at every start: idempotent.
set -eu
: "${WP_DB_PASSWORD:?set WP_DB_PASSWORD}"
esc=$(printf '%s' "$WP_DB_PASSWORD" | sed "s/'/''/g")
umask 077
cat > /run/mysqld/init.sql <<SQL
CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE USER IF NOT EXISTS 'wordpress'@'%' IDENTIFIED BY '$esc';
ALTER USER 'wordpress'@'%' IDENTIFIED BY '$esc';
GRANT ALL ON wordpress.* TO 'wordpress'@'%';
SQL
chown mysql:mysql /run/mysqld/init.sql
# Its settings: igny8.cnf.
exec mariadbd --user=mysql --init-file=/run/mysqld/init.sql
