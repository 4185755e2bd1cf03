<?php
/*
 * Installs WordPress on first start, keeps a copy of the pristine site (the test control's reset
 * goes back to it), then makes sure the third-party plugins (--with-plugin) and the plugin under
 * test are active, in that order. Idempotent. A plugin WordPress refuses is said here, in the
 * container's log; the harness asks again and stops with WordPress's words (harness/clients/wordpress.py).
 * Runs as www-data, so the files it creates (debug.log) stay writable by Apache.
 */
define( 'WP_INSTALLING', true );
$_SERVER['HTTP_HOST'] = 'localhost';
require '/usr/share/wordpress/wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/plugin.php';
// mu-plugins may not load while installing: the test control, loaded here before the install, also
// hashes the admin made by it at the stack's bcrypt cost (0.26 s less of every start on WordPress 6.8+).
require_once WPMU_PLUGIN_DIR . '/igny8-test-control.php';

if ( ! is_blog_installed() ) {
	$result = wp_install( getenv( 'WP_TITLE' ) ?: 'IGNY8 test site', getenv( 'WP_ADMIN_USER' ), getenv( 'WP_ADMIN_EMAIL' ) ?: 'admin@example.com', true, '', getenv( 'WP_ADMIN_PASSWORD' ) );
	echo 'igny8: installed WordPress ' . get_bloginfo( 'version' ) . ' with admin ' . getenv( 'WP_ADMIN_USER' ) . "\n";
}
if ( function_exists( 'igny8tc_take_snapshot' ) && igny8tc_take_snapshot() ) {
	echo "igny8: kept a copy of the pristine site\n";
}
if ( function_exists( 'igny8tc_activate_extra_plugins' ) ) {
	$extra = igny8tc_activate_extra_plugins();
	echo is_wp_error( $extra ) ? 'igny8: ' . $extra->get_error_message() . "\n" : '';
}
$plugin = function_exists( 'igny8tc_plugin' ) ? igny8tc_plugin() : 'igny8-wp-plugin/igny8-wp-plugin.php';
if ( file_exists( WP_PLUGIN_DIR . '/' . $plugin ) && ! is_plugin_active( $plugin ) ) {
	$error = activate_plugin( $plugin );
	echo is_wp_error( $error ) ? 'igny8: plugin NOT activated: ' . $error->get_error_message() . "\n" : "igny8: plugin activated\n";
}
