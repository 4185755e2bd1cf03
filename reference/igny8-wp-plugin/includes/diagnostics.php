<?php
/**
 * The diagnostics export (LOG-4, capability diagnostics-export): what support needs to see of a
 * site, as spec/diagnostics.schema.json describes it, and never the API key, not even in part.
 */

defined( 'ABSPATH' ) || exit;

const IGNY8_DIAGNOSTICS_FORMAT    = 'igny8-diagnostics/1';
const IGNY8_DIAGNOSTICS_LOG_LINES = 200;
const IGNY8_DIAGNOSTICS_LOG_BYTES = 262144; // only the log's tail is read: a huge debug.log costs nothing
const IGNY8_DIAGNOSTICS_MASK      = '[masked]';

/**
 * The diagnostics document: versions, active plugins, the settings (secrets masked), the last
 * structure payload sent and the recent [IGNY8] log lines. Every string in it is masked.
 *
 * @return array
 */
function igny8_diagnostics() {
	$settings = igny8_get_settings();
	$key      = (string) $settings['api_key'];
	$document = array(
		'format'         => IGNY8_DIAGNOSTICS_FORMAT,
		'generated_at'   => gmdate( 'Y-m-d\TH:i:s\Z' ),
		'versions'       => array(
			'wordpress' => (string) get_bloginfo( 'version' ),
			'php'       => PHP_VERSION,
			'plugin'    => IGNY8_PLUGIN_VERSION,
		),
		'active_plugins' => igny8_diagnostics_active_plugins(),
		'settings'       => array(
			'backend_url' => igny8_diagnostics_url( (string) $settings['backend_url'] ),
			'api_key'     => '' !== $key ? 'set' : 'not set',
			'connected'   => igny8_is_connected(),
		),
		'structure'      => igny8_sent_structure(),
		'log'            => igny8_diagnostics_log_lines(),
	);
	return igny8_diagnostics_mask( $document, $key );
}

/** The active plugins (network-activated ones too), each with its file, Name and Version headers. */
function igny8_diagnostics_active_plugins() {
	if ( ! function_exists( 'get_plugins' ) ) {
		require_once ABSPATH . 'wp-admin/includes/plugin.php';
	}
	$installed = get_plugins();
	$files     = (array) get_option( 'active_plugins', array() );
	if ( is_multisite() ) {
		$files = array_merge( $files, array_keys( (array) get_site_option( 'active_sitewide_plugins', array() ) ) );
	}
	$active = array();
	foreach ( array_unique( array_map( 'strval', $files ) ) as $file ) {
		if ( '' === $file ) {
			continue;
		}
		$headers  = isset( $installed[ $file ] ) ? $installed[ $file ] : array();
		$active[] = array(
			'file'    => $file,
			'name'    => isset( $headers['Name'] ) ? (string) $headers['Name'] : '',
			'version' => isset( $headers['Version'] ) ? (string) $headers['Version'] : '',
		);
	}
	return $active;
}

/** The backend URL as kept, with any user name and password in it masked. */
function igny8_diagnostics_url( $url ) {
	$masked = preg_replace( '#^([a-z][a-z0-9+.\-]*://)[^/?\#@]*@#i', '$1' . IGNY8_DIAGNOSTICS_MASK . '@', $url );
	return null === $masked ? IGNY8_DIAGNOSTICS_MASK : $masked;
}

/** Where error_log() writes under WP_DEBUG_LOG: the path it names, or wp-content/debug.log. */
function igny8_diagnostics_log_file() {
	if ( defined( 'WP_DEBUG_LOG' ) && is_string( WP_DEBUG_LOG ) && ! in_array( strtolower( WP_DEBUG_LOG ), array( '', 'true', '1', 'false', '0' ), true ) ) {
		return WP_DEBUG_LOG;
	}
	return WP_CONTENT_DIR . '/debug.log';
}

/**
 * The last lines of the log that contain "[IGNY8]", oldest first, at most IGNY8_DIAGNOSTICS_LOG_LINES.
 * Only the file's last IGNY8_DIAGNOSTICS_LOG_BYTES are read; a line cut by that is left out.
 *
 * @return string[]
 */
function igny8_diagnostics_log_lines() {
	$file = igny8_diagnostics_log_file();
	clearstatcache( true, $file );
	if ( ! is_file( $file ) || ! is_readable( $file ) ) {
		return array();
	}
	$handle = fopen( $file, 'rb' ); // phpcs:ignore WordPress.WP.AlternativeFunctions -- a read of a local file's tail
	if ( false === $handle ) {
		return array();
	}
	$size  = (int) filesize( $file );
	$start = max( 0, $size - IGNY8_DIAGNOSTICS_LOG_BYTES - 1 ); // one byte more: is the first line whole?
	fseek( $handle, $start );
	$tail = (string) stream_get_contents( $handle, IGNY8_DIAGNOSTICS_LOG_BYTES + 1 );
	fclose( $handle ); // phpcs:ignore WordPress.WP.AlternativeFunctions
	if ( $start > 0 ) {
		$first_break = strpos( $tail, "\n" );
		$tail        = false === $first_break ? '' : (string) substr( $tail, $first_break + 1 );
	}
	$lines = array();
	foreach ( explode( "\n", $tail ) as $line ) {
		if ( false !== strpos( $line, '[IGNY8]' ) ) {
			$lines[] = rtrim( $line, "\r" );
		}
	}
	return array_slice( $lines, -IGNY8_DIAGNOSTICS_LOG_LINES );
}

/**
 * Masks every string in `$value` (arrays and objects walked; keys kept): the key in full, any run
 * that starts with its first 8 characters (what the settings page and the logs show of it, and
 * more), and anything shaped like an IGNY8 key (a refused or an earlier one).
 */
function igny8_diagnostics_mask( $value, $key ) {
	if ( is_string( $value ) ) {
		return igny8_diagnostics_mask_text( $value, $key );
	}
	if ( is_array( $value ) ) {
		foreach ( $value as $name => $item ) {
			$value[ $name ] = igny8_diagnostics_mask( $item, $key );
		}
	} elseif ( is_object( $value ) ) {
		foreach ( get_object_vars( $value ) as $name => $item ) {
			if ( '' !== (string) $name ) {
				$value->$name = igny8_diagnostics_mask( $item, $key );
			}
		}
	}
	return $value;
}

function igny8_diagnostics_mask_text( $text, $key ) {
	if ( '' !== $key ) {
		$text = str_replace( $key, IGNY8_DIAGNOSTICS_MASK, $text );
		if ( strlen( $key ) > 8 ) {
			$text = preg_replace( '/' . preg_quote( substr( $key, 0, 8 ), '/' ) . '[A-Za-z0-9_\-]*/', IGNY8_DIAGNOSTICS_MASK, $text );
		}
	}
	$text = null === $text ? null : preg_replace( '/igny8_[A-Za-z0-9_\-]{32,}/', IGNY8_DIAGNOSTICS_MASK, $text );
	return null === $text ? IGNY8_DIAGNOSTICS_MASK : $text; // a pattern that failed: nothing of the text is kept
}
