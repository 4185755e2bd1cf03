<?php
/**
 * Uninstall (CONN-10), when the plugin is deleted in wp-admin: tell the backend, within one timeout,
 * then forget everything the plugin stored: its settings and key, the queue, the event log, the last
 * structure sent, its notices and its events. WordPress runs this file without the plugin loaded.
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

if ( ! function_exists( 'igny8_get_settings' ) ) { // loaded already when it was active in this request
	require_once __DIR__ . '/igny8-wp-plugin.php';
}

if ( igny8_is_connected() ) {
	$igny8_settings = igny8_get_settings();
	$igny8_answer   = igny8_client( $igny8_settings, microtime( true ) + igny8_http_timeout() )->post( $igny8_settings['integration_id'] . '/disconnect/' );
	if ( is_wp_error( $igny8_answer ) ) {
		error_log( '[IGNY8] Uninstalled without telling the backend: ' . $igny8_answer->get_error_message() ); // phpcs:ignore WordPress.PHP.DevelopmentFunctions
	}
}

igny8_unschedule_cron_jobs();
igny8_forget_queue();
foreach ( array( IGNY8_OPTION, IGNY8_EVENTS_OPTION, IGNY8_SENT_STRUCTURE_OPTION ) as $igny8_option ) {
	delete_option( $igny8_option );
}
global $wpdb;
$wpdb->query( "DELETE FROM {$wpdb->options} WHERE option_name LIKE '\\_transient\\_igny8\\_%' OR option_name LIKE '\\_transient\\_timeout\\_igny8\\_%'" );
