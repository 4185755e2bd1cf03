<?php
/**
 * The four admin actions, posted to admin-post.php. Each checks manage_options and its
 * nonce before anything else (SEC-6), and ends on the Tools page with a notice (ADMIN-2).
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( 'admin_post_acmesync_link', 'acmesync_handle_link' );
add_action( 'admin_post_acmesync_probe', 'acmesync_handle_probe' );
add_action( 'admin_post_acmesync_refresh', 'acmesync_handle_refresh' );
add_action( 'admin_post_acmesync_unlink', 'acmesync_handle_unlink' );

/**
 * Refuse the request unless the user may manage options and the nonce is valid.
 * Nothing has been changed when this dies.
 *
 * @param string $action Nonce action.
 */
function acmesync_guard( $action ) {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die(
			esc_html__( 'You are not allowed to change the IGNY8 connection.', 'acme-igny8-sync' ),
			esc_html__( 'Not allowed', 'acme-igny8-sync' ),
			array( 'response' => 403 )
		);
	}
	// Dies with 403 when the nonce is missing or wrong.
	check_admin_referer( $action, '_acmesync_nonce' );
}

/**
 * Back to the page (the notice waits there).
 */
function acmesync_back() {
	wp_safe_redirect( acmesync_page_url() );
	exit;
}

/**
 * Connect: refuse a non-https URL before sending anything; call connect/; keep the key only
 * if the backend accepts it; schedule the daily event; send the structure at once.
 */
function acmesync_handle_link() {
	acmesync_guard( 'acmesync_link' );
	$started = microtime( true );

	// phpcs:disable WordPress.Security.NonceVerification.Missing -- verified in acmesync_guard().
	$raw_endpoint = isset( $_POST['acme_endpoint'] ) ? trim( sanitize_text_field( wp_unslash( $_POST['acme_endpoint'] ) ) ) : '';
	$token        = isset( $_POST['acme_secret'] ) ? trim( (string) wp_unslash( $_POST['acme_secret'] ) ) : '';
	// phpcs:enable
	acmesync_secrets( $token );

	$endpoint = acmesync_normalise_endpoint( $raw_endpoint );
	if ( '' === $endpoint ) {
		$message = '' === $raw_endpoint
			? __( 'Not connected: enter the backend URL (https://...).', 'acme-igny8-sync' )
			: __( 'Not connected: insecure_backend_url. The backend URL must start with https://; nothing was sent.', 'acme-igny8-sync' );
		acmesync_journal_add( 'error', 'Connect failed: the backend URL is not an https:// URL; nothing was sent.' );
		acmesync_flash( 'error', $message );
		acmesync_back();
	}

	if ( '' === $token && '' !== acmesync_get_token() && untrailingslashit( acmesync_get_endpoint() ) !== untrailingslashit( $endpoint ) ) {
		// A blank key field keeps the stored key only for the backend it was accepted by (SEC-12).
		acmesync_flash( 'error', __( 'Not connected: enter the API key for this backend URL. The stored key is only sent to the backend it was given for; nothing was sent.', 'acme-igny8-sync' ) );
		acmesync_back();
	}
	if ( '' === $token ) {
		$token = acmesync_get_token();
	}
	if ( '' === $token ) {
		acmesync_flash( 'error', __( 'Not connected: enter an API key.', 'acme-igny8-sync' ) );
		acmesync_back();
	}

	$result = acmesync_post(
		$endpoint,
		$token,
		'connect/',
		array(
			'site_url'       => home_url(),
			'wp_version'     => (string) get_bloginfo( 'version' ),
			'plugin_version' => acmesync_plugin_version(),
		)
	);

	if ( ! $result['ok'] || empty( $result['data']['integration_id'] ) ) {
		if ( $result['ok'] ) {
			$result['code']    = 'invalid_response';
			$result['message'] = __( 'The backend did not name an integration.', 'acme-igny8-sync' );
		}
		$why = acmesync_describe_failure( $result );
		acmesync_journal_add( 'error', 'Connect failed: ' . $why );
		/* translators: %s: error code and message from the backend. */
		acmesync_flash( 'error', sprintf( __( 'The backend refused the connection: %s', 'acme-igny8-sync' ), $why ) );
		acmesync_back();
	}

	acmesync_store_link( $endpoint, $token, $result['data'] );
	acmesync_schedule_daily();
	acmesync_journal_add( 'info', sprintf( 'Connected to integration %d (site %d).', acmesync_get_link_id(), (int) get_option( 'acmesync_site_id', 0 ) ) );

	$budget = acmesync_timeout() - ( microtime( true ) - $started );
	$sync   = acmesync_sync_structure( 'connect', max( 1.0, $budget ) );
	acmesync_flash_sync(
		$sync,
		/* translators: %s: what was sent. */
		__( 'Linked to IGNY8. Site structure synced (%s).', 'acme-igny8-sync' ),
		/* translators: %s: error code and message. */
		__( 'Linked to IGNY8, but sending the site structure failed: %s. It will be retried by the daily sync.', 'acme-igny8-sync' )
	);
	acmesync_back();
}

/**
 * The outcome of a structure sync as a notice: what was sent, or why it failed.
 *
 * @param array  $sync    The sync's result.
 * @param string $success A format for what was sent.
 * @param string $failure A format for the failure.
 */
function acmesync_flash_sync( $sync, $success, $failure ) {
	if ( $sync['ok'] ) {
		acmesync_flash( 'success', sprintf( $success, $sync['summary'] ) );
	} else {
		acmesync_flash( 'error', sprintf( $failure, acmesync_describe_failure( $sync ) ) );
	}
}

/**
 * Ends the request with an error notice unless the site is linked.
 */
function acmesync_require_link() {
	if ( ! acmesync_is_linked() ) {
		acmesync_flash( 'error', __( 'Not linked: connect first (not_connected).', 'acme-igny8-sync' ) );
		acmesync_back();
	}
}

/**
 * Test connection: call test-connection/ and report.
 */
function acmesync_handle_probe() {
	acmesync_guard( 'acmesync_probe' );
	acmesync_require_link();
	$result = acmesync_post( acmesync_get_endpoint(), acmesync_get_token(), acmesync_get_link_id() . '/test-connection/' );
	if ( $result['ok'] && ! empty( $result['data']['ok'] ) ) {
		acmesync_journal_add( 'info', sprintf( 'Connection test succeeded for integration %d.', acmesync_get_link_id() ) );
		/* translators: %d: integration id. */
		acmesync_flash( 'success', sprintf( __( 'The backend answered: credentials are valid for integration #%d.', 'acme-igny8-sync' ), acmesync_get_link_id() ) );
	} else {
		if ( $result['ok'] ) {
			$result['code'] = 'invalid_response';
		}
		$why = acmesync_describe_failure( $result );
		acmesync_journal_add( 'error', 'Connection test failed: ' . $why );
		/* translators: %s: error code and message. */
		acmesync_flash( 'error', sprintf( __( 'Connection test failed: %s', 'acme-igny8-sync' ), $why ) );
	}
	acmesync_back();
}

/**
 * Sync now: send the structure.
 */
function acmesync_handle_refresh() {
	acmesync_guard( 'acmesync_refresh' );
	acmesync_require_link();
	acmesync_flash_sync(
		acmesync_sync_structure( 'manual' ),
		/* translators: %s: what was sent. */
		__( 'Site structure synced (%s).', 'acme-igny8-sync' ),
		/* translators: %s: error code and message. */
		__( 'Sending the site structure failed: %s', 'acme-igny8-sync' )
	);
	acmesync_back();
}

/**
 * Disconnect: tell the backend, then forget the key and unschedule, whatever it answered.
 */
function acmesync_handle_unlink() {
	acmesync_guard( 'acmesync_unlink' );
	if ( ! acmesync_is_linked() ) {
		acmesync_forget_link();
		acmesync_unschedule_daily();
		acmesync_flash( 'warning', __( 'There was no link to remove.', 'acme-igny8-sync' ) );
		acmesync_back();
	}
	$link_id = acmesync_get_link_id();
	$result  = acmesync_post( acmesync_get_endpoint(), acmesync_get_token(), $link_id . '/disconnect/' );
	acmesync_forget_link();
	acmesync_unschedule_daily();

	if ( $result['ok'] ) {
		acmesync_journal_add( 'info', sprintf( 'Disconnected from integration %d; the key was removed.', $link_id ) );
		acmesync_flash( 'success', __( 'Unlinked: the backend was told, the key was removed and the daily sync was unscheduled.', 'acme-igny8-sync' ) );
	} else {
		$why = acmesync_describe_failure( $result );
		acmesync_journal_add( 'warning', 'Disconnect: the backend could not be told (' . $why . '); the key was removed locally.' );
		/* translators: %s: error code and message. */
		acmesync_flash( 'warning', sprintf( __( 'Unlinked locally (key removed, daily sync unscheduled), but the backend was not told: %s', 'acme-igny8-sync' ), $why ) );
	}
	acmesync_back();
}
