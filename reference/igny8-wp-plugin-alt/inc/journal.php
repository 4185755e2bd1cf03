<?php
/**
 * The event journal (capability event-log): the last ACMESYNC_JOURNAL_MAX events.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * Record an event, and mirror it to the PHP error log with the [IGNY8] prefix.
 *
 * @param string $level   info | warning | error.
 * @param string $message Text; must never contain the API key.
 * @param bool   $to_php_log Also write it to error_log().
 */
function acmesync_journal_add( $level, $message, $to_php_log = true ) {
	$message = acmesync_scrub( (string) $message );
	if ( $to_php_log ) {
		// phpcs:ignore WordPress.PHP.DevelopmentFunctions.error_log_error_log
		error_log( '[IGNY8] ' . $message );
	}

	$entries = get_option( 'acmesync_journal', array() );
	if ( ! is_array( $entries ) ) {
		$entries = array();
	}
	$entries[] = array(
		'when'  => gmdate( 'Y-m-d\TH:i:s\Z' ),
		'level' => in_array( $level, array( 'info', 'warning', 'error' ), true ) ? $level : 'info',
		'text'  => $message,
	);
	if ( count( $entries ) > ACMESYNC_JOURNAL_MAX ) {
		$entries = array_slice( $entries, -ACMESYNC_JOURNAL_MAX );
	}
	update_option( 'acmesync_journal', array_values( $entries ), false );
}

/**
 * Journal entries, newest first.
 *
 * @return array[]
 */
function acmesync_journal_newest_first() {
	$entries = get_option( 'acmesync_journal', array() );
	if ( ! is_array( $entries ) ) {
		return array();
	}
	$entries = array_slice( array_values( $entries ), -ACMESYNC_JOURNAL_MAX );
	return array_reverse( $entries );
}

/**
 * Remove any copy of the stored key from a text before it is shown or logged.
 *
 * @param string $text Text.
 * @return string
 */
function acmesync_scrub( $text ) {
	$secrets   = acmesync_secrets();
	$secrets[] = acmesync_get_token();
	foreach ( $secrets as $secret ) {
		if ( '' !== $secret && false !== strpos( $text, $secret ) ) {
			$text = str_replace( $secret, acmesync_mask( $secret ), $text );
		}
	}
	return $text;
}

/**
 * Keys handled during this request (for example a key being tried on Connect), so that
 * no message built from a backend answer can carry one.
 *
 * @param string|null $add A key to remember for this request.
 * @return string[]
 */
function acmesync_secrets( $add = null ) {
	static $secrets = array();
	if ( null !== $add && '' !== $add ) {
		$secrets[] = (string) $add;
	}
	return $secrets;
}
