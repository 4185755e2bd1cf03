<?php
/**
 * The IGNY8 API client: HTTPS only (SEC-4), a bounded timeout (FAIL-2), JSON in and out.
 */

defined( 'ABSPATH' ) || exit;

class Igny8_Api_Client {

	private $base_url;
	private $api_key;
	private $deadline;

	/** @param float|null $deadline microtime(true) by which every request of this client must end; null: none. */
	public function __construct( $base_url, $api_key, $deadline = null ) {
		$this->base_url = untrailingslashit( $base_url );
		$this->api_key  = $api_key;
		$this->deadline = $deadline;
	}

	public function deadline() {
		return $this->deadline;
	}

	/** The timeout: the plugin's, cut to what is left of the budget. */
	private function timeout() {
		$timeout = igny8_http_timeout();
		return null === $this->deadline ? $timeout : min( $timeout, $this->deadline - microtime( true ) );
	}

	/** The integration endpoints live under this path on the backend. */
	public function integration_url( $path ) {
		return $this->base_url . '/api/v1/integration/integrations/' . ltrim( $path, '/' );
	}

	public function post( $path, $body = null ) {
		return $this->request( 'POST', $path, $body );
	}

	public function get( $path ) {
		return $this->request( 'GET', $path );
	}

	/**
	 * @return array|WP_Error The decoded JSON body on a 2xx answer; a WP_Error naming the problem otherwise.
	 */
	public function request( $method, $path, $body = null ) {
		if ( ! igny8_is_https_url( $this->base_url ) ) {
			return new WP_Error( 'igny8_insecure_url', __( 'The IGNY8 backend URL must start with https://.', 'igny8' ) );
		}
		$timeout = $this->timeout();
		if ( $timeout < 0.5 ) {
			return new WP_Error( 'igny8_out_of_time', __( 'The IGNY8 backend was not asked: the time allowed for this action ran out.', 'igny8' ) );
		}
		$args = array(
			'method'      => $method,
			'timeout'     => $timeout,
			'redirection' => 0,
			'sslverify'   => true,
			'headers'     => array(
				'Authorization' => 'Bearer ' . $this->api_key,
				'Accept'        => 'application/json',
				'User-Agent'    => 'igny8-wp-plugin/' . IGNY8_PLUGIN_VERSION . '; WordPress/' . get_bloginfo( 'version' ),
			),
		);
		if ( null !== $body ) {
			$args['headers']['Content-Type'] = 'application/json';
			$args['body']                    = wp_json_encode( $body, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES );
		}
		$response = wp_remote_request( $this->integration_url( $path ), $args );
		if ( is_wp_error( $response ) ) {
			return new WP_Error( 'igny8_unreachable', sprintf( __( 'The IGNY8 backend could not be reached: %s', 'igny8' ), $response->get_error_message() ) );
		}
		$status  = (int) wp_remote_retrieve_response_code( $response );
		$decoded = json_decode( wp_remote_retrieve_body( $response ), true );
		if ( $status >= 200 && $status < 300 && is_array( $decoded ) ) {
			return $decoded;
		}
		$error   = is_array( $decoded ) && isset( $decoded['error'] ) ? $decoded['error'] : array();
		$code    = isset( $error['code'] ) ? $error['code'] : 'http_' . $status;
		$message = isset( $error['message'] ) ? $error['message'] : sprintf( __( 'Unexpected answer (HTTP %d).', 'igny8' ), $status );
		$retry   = wp_remote_retrieve_header( $response, 'retry-after' );
		$data    = array( 'status' => $status, 'retry_after' => ctype_digit( (string) $retry ) ? (int) $retry : 0 );
		return new WP_Error( 'igny8_' . $code, sprintf( 'HTTP %d %s: %s', $status, $code, $message ), $data );
	}
}
