<?php
/**
 * Removes everything the plugin stored.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

// Tell the backend first (the protocol's CONN-10), while the key is still here.
if ( ! function_exists( 'acmesync_post' ) ) {
	require_once __DIR__ . '/inc/settings.php';
	require_once __DIR__ . '/inc/transport.php';
}
if ( '' !== acmesync_get_token() && acmesync_get_link_id() > 0 ) {
	acmesync_post( acmesync_get_endpoint(), acmesync_get_token(), acmesync_get_link_id() . '/disconnect/' );
}

foreach ( array( 'acmesync_endpoint', 'acmesync_token', 'acmesync_link_id', 'acmesync_site_id', 'acmesync_site_name', 'acmesync_clock', 'acmesync_journal', 'acmesync_halted' ) as $acmesync_option ) {
	delete_option( $acmesync_option );
}
wp_unschedule_hook( 'igny8_sync_site_structure' );
