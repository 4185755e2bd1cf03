<?php
/**
 * Stored settings: one option per value, all prefixed acmesync_.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * The plugin's version, read from the main file's header so that the payload always
 * carries the Version the header declares (OPS-2).
 *
 * @return string
 */
function acmesync_plugin_version() {
	static $version = null;
	if ( null === $version ) {
		$data    = get_file_data( ACMESYNC_FILE, array( 'Version' => 'Version' ) );
		$version = ( isset( $data['Version'] ) && '' !== $data['Version'] ) ? (string) $data['Version'] : '0.0.0';
	}
	return $version;
}

/**
 * @return string The backend base URL (https://...), or ''.
 */
function acmesync_get_endpoint() {
	return (string) get_option( 'acmesync_endpoint', '' );
}

/**
 * @return string The stored API key, or ''.
 */
function acmesync_get_token() {
	return (string) get_option( 'acmesync_token', '' );
}

/**
 * @return int The integration id the backend gave on connect, or 0.
 */
function acmesync_get_link_id() {
	return (int) get_option( 'acmesync_link_id', 0 );
}

/**
 * Whether the plugin holds an accepted key and an integration id.
 *
 * @return bool
 */
function acmesync_is_linked() {
	return '' !== acmesync_get_token() && acmesync_get_link_id() > 0 && '' !== acmesync_get_endpoint() && '' === acmesync_halted();
}

/**
 * Why the backend refused this site for good (401, or 409 not_connected or site_mismatch), or ''.
 * While set, the link is treated as gone: nothing is scheduled or sent until Connect succeeds.
 *
 * @return string
 */
function acmesync_halted() {
	return (string) get_option( 'acmesync_halted', '' );
}

/**
 * Whether a failed call means the backend refuses this site for good (the protocol's CONN-8).
 *
 * @param array $result An acmesync_post() result.
 * @return bool
 */
function acmesync_is_refusal( array $result ) {
	return 401 === (int) $result['status'] || in_array( $result['code'], array( 'not_connected', 'site_mismatch' ), true );
}

/**
 * Store an accepted connection.
 *
 * @param string $endpoint Backend base URL.
 * @param string $token    API key the backend accepted.
 * @param array  $answer   The connect/ response.
 */
function acmesync_store_link( $endpoint, $token, array $answer ) {
	delete_option( 'acmesync_halted' );
	update_option( 'acmesync_endpoint', $endpoint, false );
	update_option( 'acmesync_token', $token, false );
	update_option( 'acmesync_link_id', (int) $answer['integration_id'], false );
	update_option( 'acmesync_site_id', isset( $answer['site_id'] ) ? (int) $answer['site_id'] : 0, false );
	update_option( 'acmesync_site_name', isset( $answer['site_name'] ) ? sanitize_text_field( (string) $answer['site_name'] ) : '', false );
}

/**
 * Forget the key and the integration (the backend URL stays, for convenience).
 */
function acmesync_forget_link() {
	delete_option( 'acmesync_token' );
	delete_option( 'acmesync_link_id' );
	delete_option( 'acmesync_site_id' );
	delete_option( 'acmesync_site_name' );
}

/**
 * A form of the key that is safe to show: never the key in full (SEC-5).
 *
 * @param string $token The key.
 * @return string
 */
function acmesync_mask( $token ) {
	$token = (string) $token;
	if ( '' === $token ) {
		return '';
	}
	$tail = strlen( $token ) > 12 ? substr( $token, -4 ) : '';
	return str_repeat( "\xE2\x80\xA2", 8 ) . $tail;
}
