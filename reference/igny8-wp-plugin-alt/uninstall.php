<?php
/**
 * Removes everything the plugin stored.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'WP_UNINSTALL_PLUGIN' ) ) {
	exit;
}

foreach ( array( 'acmesync_endpoint', 'acmesync_token', 'acmesync_link_id', 'acmesync_site_id', 'acmesync_site_name', 'acmesync_clock', 'acmesync_journal' ) as $acmesync_option ) {
	delete_option( $acmesync_option );
}
wp_unschedule_hook( 'igny8_sync_site_structure' );
