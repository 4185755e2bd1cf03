<?php
/**
 * Talking to the backend: HTTPS only, certificates verified, bounded time.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/** Where the integration endpoints live under the backend's base URL. */
define( 'ACMESYNC_API_BASE', '/api/v1/integration/integrations/' );

/**
 * The request timeout in seconds: IGNY8_HTTP_TIMEOUT when defined, else 10 (FAIL-2).
 *
 * @return float
 */
function acmesync_timeout() {
	$timeout = 10.0;
	if ( defined( 'IGNY8_HTTP_TIMEOUT' ) && is_numeric( IGNY8_HTTP_TIMEOUT ) && (float) IGNY8_HTTP_TIMEOUT > 0 ) {
		$timeout = (float) IGNY8_HTTP_TIMEOUT;
	}
	return $timeout;
}

/**
 * Normalise a backend URL typed by a person. Returns '' when it is not an https:// URL
 * with a host: such a URL is refused before anything is sent (SEC-4).
 *
 * @param string $raw The URL as entered.
 * @return string The base URL without a trailing slash, or ''.
 */
function acmesync_normalise_endpoint( $raw ) {
	$raw = trim( (string) $raw );
	if ( '' === $raw || preg_match( '/\s/', $raw ) ) {
		return '';
	}
	$parts = wp_parse_url( $raw );
	if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
		return '';
	}
	if ( 'https' !== strtolower( $parts['scheme'] ) ) {
		return '';
	}
	$url = 'https://' . $parts['host'] . ( isset( $parts['port'] ) ? ':' . (int) $parts['port'] : '' );
	$path = isset( $parts['path'] ) ? (string) $parts['path'] : '';
	// A URL pasted with the API path is cut back to the base.
	$api_at = strpos( $path, '/api/v1' );
	if ( false !== $api_at ) {
		$path = substr( $path, 0, $api_at );
	}
	$url .= rtrim( $path, '/' );
	return $url;
}

/**
 * POST a JSON body to one integration endpoint.
 *
 * @param string     $endpoint Backend base URL (https://...).
 * @param string     $token    API key.
 * @param string     $path     Path under ACMESYNC_API_BASE, e.g. "connect/" or "12/update-structure/".
 * @param array|null $body     Body to JSON-encode (null: an empty object).
 * @param float|null $budget   Seconds this call may take at most (defaults to the timeout).
 * @return array { ok: bool, status: int, code: string, message: string, data: array }
 */
function acmesync_post( $endpoint, $token, $path, $body = null, $budget = null ) {
	$result = array(
		'ok'      => false,
		'status'  => 0,
		'code'    => '',
		'message' => '',
		'data'    => array(),
	);

	$base = acmesync_normalise_endpoint( $endpoint );
	if ( '' === $base ) {
		$result['code']    = 'insecure_backend_url';
		$result['message'] = __( 'The backend URL must be an https:// address.', 'acme-igny8-sync' );
		return $result;
	}
	if ( '' === (string) $token || preg_match( '/[\x00-\x20\x7f]/', (string) $token ) ) {
		$result['code']    = 'unusable_api_key';
		$result['message'] = __( 'The API key is empty or contains spaces or control characters.', 'acme-igny8-sync' );
		return $result;
	}
	acmesync_secrets( (string) $token );

	$json = wp_json_encode( null === $body ? new stdClass() : $body, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
	if ( false === $json ) {
		$result['code']    = 'encoding_failed';
		$result['message'] = __( 'The request body could not be encoded as JSON.', 'acme-igny8-sync' );
		return $result;
	}

	$timeout = acmesync_timeout();
	if ( null !== $budget ) {
		$timeout = max( 1.0, min( $timeout, (float) $budget ) );
	}

	$response = wp_remote_post(
		$base . ACMESYNC_API_BASE . ltrim( $path, '/' ),
		array(
			'method'      => 'POST',
			'timeout'     => $timeout,
			'redirection' => 0,
			'sslverify'   => true,
			'httpversion' => '1.1',
			'blocking'    => true,
			'headers'     => array(
				'Authorization' => 'Bearer ' . $token,
				'Content-Type'  => 'application/json',
				'Accept'        => 'application/json',
			),
			'body'        => $json,
			'data_format' => 'body',
		)
	);

	if ( is_wp_error( $response ) ) {
		$result['code']    = (string) $response->get_error_code();
		$result['message'] = acmesync_scrub( (string) $response->get_error_message() );
		return $result;
	}

	$status           = (int) wp_remote_retrieve_response_code( $response );
	$result['status'] = $status;
	$decoded          = json_decode( (string) wp_remote_retrieve_body( $response ), true );

	if ( $status >= 200 && $status < 300 ) {
		if ( is_array( $decoded ) ) {
			$result['ok']   = true;
			$result['data'] = $decoded;
		} else {
			$result['code']    = 'invalid_response';
			$result['message'] = __( 'The backend answered with something that is not JSON.', 'acme-igny8-sync' );
		}
		return $result;
	}

	if ( is_array( $decoded ) && isset( $decoded['error'] ) && is_array( $decoded['error'] ) ) {
		$error             = $decoded['error'];
		$result['code']    = isset( $error['code'] ) && is_scalar( $error['code'] ) ? (string) $error['code'] : 'http_' . $status;
		$result['message'] = isset( $error['message'] ) && is_scalar( $error['message'] ) ? acmesync_scrub( (string) $error['message'] ) : '';
	} else {
		$result['code']    = 'http_' . $status;
		$result['message'] = (string) wp_remote_retrieve_response_message( $response );
	}
	return $result;
}

/**
 * A one-line description of a failed call, for notices, the journal and the PHP log.
 *
 * @param array $result An acmesync_post() result.
 * @return string
 */
function acmesync_describe_failure( array $result ) {
	$text = $result['code'];
	if ( $result['status'] > 0 ) {
		/* translators: %d: HTTP status code. */
		$text .= ' ' . sprintf( __( '(HTTP %d)', 'acme-igny8-sync' ), $result['status'] );
	}
	if ( '' !== $result['message'] ) {
		$text .= ': ' . $result['message'];
	}
	return acmesync_scrub( $text );
}
