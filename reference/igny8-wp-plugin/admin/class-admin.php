<?php
/**
 * The settings page (Settings → IGNY8) and its actions. Every action checks the
 * manage_options capability and its own nonce (SEC-6), then redirects back with a notice.
 */

defined( 'ABSPATH' ) || exit;

class Igny8_Admin {

	const PAGE    = 'igny8';
	const ACTIONS = array( 'igny8_connect', 'igny8_test_connection', 'igny8_sync_now', 'igny8_disconnect', 'igny8_diagnostics' );

	public function __construct() {
		add_action( 'admin_menu', array( $this, 'add_page' ) );
		add_action( 'admin_post_igny8_connect', array( $this, 'handle_connection' ) );
		add_action( 'admin_post_igny8_test_connection', array( $this, 'handle_test_connection' ) );
		add_action( 'admin_post_igny8_sync_now', array( $this, 'handle_sync_now' ) );
		add_action( 'admin_post_igny8_disconnect', array( $this, 'handle_disconnect' ) );
		add_action( 'admin_post_igny8_diagnostics', array( $this, 'handle_diagnostics' ) );
	}

	public function add_page() {
		add_options_page( __( 'IGNY8', 'igny8' ), __( 'IGNY8', 'igny8' ), 'manage_options', self::PAGE, array( $this, 'render' ) );
	}

	/* ---- Actions ------------------------------------------------------------------------ */

	/** Connect (CONN-2, CONN-3, CONN-6, SEC-4): the key is kept only if the backend accepts it. */
	public function handle_connection() {
		$this->guard( 'igny8_connect' );
		$backend_url = esc_url_raw( trim( wp_unslash( $_POST['igny8']['backend_url'] ?? '' ) ), array( 'https', 'http' ) );
		$api_key     = sanitize_text_field( wp_unslash( $_POST['igny8']['api_key'] ?? '' ) );
		$stored      = igny8_get_settings();
		if ( ! igny8_is_https_url( $backend_url ) ) {
			igny8_log( 'Connect refused: the backend URL must start with https://', 'error' );
			$this->finish( 'error', __( 'The backend URL must start with https://. Nothing was sent.', 'igny8' ) );
		}
		if ( '' === $api_key && '' !== $stored['api_key'] && untrailingslashit( $stored['backend_url'] ) !== untrailingslashit( $backend_url ) ) {
			// SEC-12: a blank field keeps the stored key for the backend it was given for, never for another.
			$this->finish( 'error', __( 'Enter the API key for this backend URL: the stored key is only sent to the backend it was given for. Nothing was sent.', 'igny8' ) );
		}
		if ( '' === $api_key ) {
			$api_key = $stored['api_key']; // the field is left blank to keep the stored key
		}
		if ( '' === $api_key ) {
			$this->finish( 'error', __( 'Enter the API key from IGNY8.', 'igny8' ) );
		}
		// FAIL-2: Connect's two requests share one timeout's budget.
		$client = igny8_client( array_merge( $stored, array( 'backend_url' => $backend_url, 'api_key' => $api_key ) ), microtime( true ) + igny8_http_timeout() );
		$answer = $client->post(
			'connect/',
			array(
				'site_url'       => home_url(),
				'wp_version'     => get_bloginfo( 'version' ),
				'plugin_version' => IGNY8_PLUGIN_VERSION,
			)
		);
		if ( is_wp_error( $answer ) ) {
			igny8_log( 'Connect failed: ' . str_replace( $api_key, igny8_mask_key( $api_key ), $answer->get_error_message() ), 'error' );
			$this->finish( 'error', sprintf( __( 'Connection failed: %s', 'igny8' ), $answer->get_error_message() ) );
		}
		igny8_update_settings(
			array(
				'backend_url'    => $backend_url,
				'api_key'        => $api_key,
				'integration_id' => (int) $answer['integration_id'],
				'site_id'        => (int) $answer['site_id'],
				'connected_at'   => gmdate( 'c' ),
				'refused'        => '',
			)
		);
		igny8_log( sprintf( 'Connected to IGNY8 (integration %d)', (int) $answer['integration_id'] ) );
		igny8_schedule_cron_jobs();
		igny8_start_backfill(); // CONTENT-4: the posts already there, from WP-Cron, not this page
		$synced = igny8_sync_site_structure_to_backend( $client->deadline() );
		if ( is_wp_error( $synced ) ) {
			$this->finish( 'warning', sprintf( __( 'Connected, but the site structure sync failed: %s', 'igny8' ), $synced->get_error_message() ) );
		}
		$this->finish( 'success', __( 'Connected. Site structure synced.', 'igny8' ) );
	}

	/** Test connection (CONN-5). */
	public function handle_test_connection() {
		$this->guard( 'igny8_test_connection' );
		if ( ! igny8_is_connected() ) {
			$this->finish( 'error', __( 'Connect first.', 'igny8' ) );
		}
		$settings = igny8_get_settings();
		$answer   = igny8_client( $settings )->post( $settings['integration_id'] . '/test-connection/' );
		if ( is_wp_error( $answer ) ) {
			igny8_log( 'Test connection failed: ' . $answer->get_error_message(), 'error' );
			if ( igny8_is_refusal( $answer ) ) {
				igny8_stop_after_refusal( $answer );
			}
			$this->finish( 'error', sprintf( __( 'Test connection failed: %s', 'igny8' ), $answer->get_error_message() ) );
		}
		igny8_log( 'Test connection succeeded' );
		$this->finish( 'success', __( 'Test connection succeeded.', 'igny8' ) );
	}

	public function handle_sync_now() {
		$this->guard( 'igny8_sync_now' );
		$synced = igny8_sync_site_structure_to_backend();
		if ( is_wp_error( $synced ) ) {
			$this->finish( 'error', sprintf( __( 'Site structure sync failed: %s', 'igny8' ), $synced->get_error_message() ) );
		}
		$this->finish( 'success', __( 'Site structure synced.', 'igny8' ) );
	}

	/** Disconnect (CONN-7, CRON-4): tell the backend, forget the key, stop the daily event. */
	public function handle_disconnect() {
		$this->guard( 'igny8_disconnect' );
		$settings = igny8_get_settings();
		if ( igny8_is_connected() ) { // after a refusal (CONN-8) the backend is not told: it refuses the key
			$answer = igny8_client( $settings )->post( $settings['integration_id'] . '/disconnect/' );
			if ( is_wp_error( $answer ) ) {
				igny8_log( 'The backend was not told of the disconnect: ' . $answer->get_error_message(), 'warning' );
			}
		}
		igny8_unschedule_cron_jobs();
		igny8_forget_queue();
		igny8_update_settings( array( 'api_key' => '', 'integration_id' => 0, 'site_id' => 0, 'connected_at' => '', 'refused' => '' ) );
		igny8_log( 'Disconnected from IGNY8' );
		$this->finish( 'success', __( 'Disconnected.', 'igny8' ) );
	}

	/** Download diagnostics (LOG-4): a JSON file for support, with no secret in it; no notice, the file is the answer. */
	public function handle_diagnostics() {
		$this->guard( 'igny8_diagnostics' );
		$json = wp_json_encode( igny8_diagnostics(), JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE );
		if ( false === $json ) {
			wp_die( esc_html__( 'The diagnostics could not be encoded as JSON.', 'igny8' ), 500 );
		}
		$host = preg_replace( '/[^A-Za-z0-9.-]+/', '-', (string) wp_parse_url( home_url(), PHP_URL_HOST ) );
		nocache_headers();
		header( 'Content-Type: application/json; charset=utf-8' );
		header( 'Content-Disposition: attachment; filename="igny8-diagnostics-' . $host . '-' . gmdate( 'Y-m-d' ) . '.json"' );
		header( 'X-Content-Type-Options: nosniff' );
		echo $json; // phpcs:ignore WordPress.Security.EscapeOutput -- a JSON download, not HTML
		exit;
	}

	/* ---- Plumbing ----------------------------------------------------------------------- */

	private function guard( $action ) {
		if ( ! current_user_can( 'manage_options' ) ) {
			wp_die( esc_html__( 'You are not allowed to manage IGNY8.', 'igny8' ), 403 );
		}
		check_admin_referer( $action );
	}

	private function finish( $type, $message ) {
		set_transient( 'igny8_notice_' . get_current_user_id(), array( 'type' => $type, 'message' => $message ), 60 );
		wp_safe_redirect( admin_url( 'options-general.php?page=' . self::PAGE ) );
		exit;
	}

	private function form( $action, $label, $class = 'button', $fields = '' ) {
		echo '<form method="post" action="' . esc_url( admin_url( 'admin-post.php' ) ) . '" style="display:inline-block;margin-right:.5em">';
		echo '<input type="hidden" name="action" value="' . esc_attr( $action ) . '">';
		wp_nonce_field( $action );
		echo $fields; // phpcs:ignore WordPress.Security.EscapeOutput -- built from escaped parts below
		echo '<button type="submit" class="' . esc_attr( $class ) . '" id="' . esc_attr( $action ) . '">' . esc_html( $label ) . '</button></form>';
	}

	public function render() {
		if ( ! current_user_can( 'manage_options' ) ) {
			return;
		}
		$settings  = igny8_get_settings();
		$connected = igny8_is_connected();
		$notice    = get_transient( 'igny8_notice_' . get_current_user_id() );
		delete_transient( 'igny8_notice_' . get_current_user_id() );
		$next = wp_next_scheduled( IGNY8_STRUCTURE_HOOK );
		?>
		<div class="wrap" id="igny8-settings">
			<h1><?php esc_html_e( 'IGNY8', 'igny8' ); ?></h1>
			<?php if ( $notice ) : ?>
				<div class="notice notice-<?php echo esc_attr( $notice['type'] ); ?>" id="igny8-notice" data-type="<?php echo esc_attr( $notice['type'] ); ?>"><p><?php echo esc_html( $notice['message'] ); ?></p></div>
			<?php endif; ?>
			<?php if ( '' !== $settings['refused'] ) : ?>
				<div class="notice notice-error" id="igny8-refused"><p><?php echo esc_html( sprintf( __( 'Syncing has stopped: the IGNY8 backend refused this site (%s). Connect again with a valid key.', 'igny8' ), $settings['refused'] ) ); ?></p></div>
			<?php endif; ?>
			<p><?php esc_html_e( 'Status:', 'igny8' ); ?>
				<strong id="igny8-status" data-status="<?php echo $connected ? 'connected' : 'disconnected'; ?>"><?php echo $connected ? esc_html__( 'Connected', 'igny8' ) : esc_html__( 'Not connected', 'igny8' ); ?></strong>
				<?php if ( $connected ) : ?>
					· <?php esc_html_e( 'integration', 'igny8' ); ?> <span id="igny8-integration-id"><?php echo (int) $settings['integration_id']; ?></span>
					· <?php esc_html_e( 'key', 'igny8' ); ?> <code id="igny8-key-masked"><?php echo esc_html( igny8_mask_key( $settings['api_key'] ) ); ?></code>
				<?php endif; ?>
			</p>
			<p><?php esc_html_e( 'Last structure sync:', 'igny8' ); ?> <span id="igny8-last-sync"><?php echo esc_html( $settings['last_structure_sync'] ? $settings['last_structure_sync'] : __( 'never', 'igny8' ) ); ?></span>
				· <?php esc_html_e( 'next daily sync:', 'igny8' ); ?> <span id="igny8-next-sync"><?php echo esc_html( $next ? gmdate( 'c', $next ) : __( 'not scheduled', 'igny8' ) ); ?></span></p>

			<h2><?php esc_html_e( 'Connection', 'igny8' ); ?></h2>
			<?php
			$fields  = '<table class="form-table"><tr><th><label for="igny8-backend-url">' . esc_html__( 'Backend URL', 'igny8' ) . '</label></th>';
			$fields .= '<td><input type="url" class="regular-text" id="igny8-backend-url" name="igny8[backend_url]" value="' . esc_attr( $settings['backend_url'] ) . '" placeholder="https://api.igny8.example"></td></tr>';
			$fields .= '<tr><th><label for="igny8-api-key">' . esc_html__( 'API key', 'igny8' ) . '</label></th>';
			$fields .= '<td><input type="password" class="regular-text" id="igny8-api-key" name="igny8[api_key]" value="" autocomplete="off" placeholder="' . esc_attr( $connected ? __( 'leave blank to keep the stored key', 'igny8' ) : 'igny8_…' ) . '"></td></tr></table>';
			$this->form( 'igny8_connect', __( 'Connect', 'igny8' ), 'button button-primary', $fields );
			?>
			<p>
			<?php
			if ( $connected ) {
				$this->form( 'igny8_test_connection', __( 'Test connection', 'igny8' ) );
				$this->form( 'igny8_sync_now', __( 'Sync now', 'igny8' ) );
				$this->form( 'igny8_disconnect', __( 'Disconnect', 'igny8' ), 'button button-link-delete' );
			}
			?>
			</p>

			<h2><?php esc_html_e( 'Support', 'igny8' ); ?></h2>
			<p><?php esc_html_e( 'A file for IGNY8 support: versions, active plugins, the last structure sent and recent log lines. It never holds the API key.', 'igny8' ); ?></p>
			<p><?php $this->form( 'igny8_diagnostics', __( 'Download diagnostics', 'igny8' ) ); ?></p>

			<h2 id="igny8-events-title"><?php esc_html_e( 'Recent events', 'igny8' ); ?></h2>
			<table class="widefat striped" id="igny8-events" aria-labelledby="igny8-events-title">
				<thead><tr><th><?php esc_html_e( 'Time (UTC)', 'igny8' ); ?></th><th><?php esc_html_e( 'Level', 'igny8' ); ?></th><th><?php esc_html_e( 'Event', 'igny8' ); ?></th></tr></thead>
				<tbody>
				<?php foreach ( igny8_recent_events() as $event ) : ?>
					<tr><td><?php echo esc_html( $event['time'] ); ?></td><td><?php echo esc_html( $event['level'] ); ?></td><td><?php echo esc_html( $event['message'] ); ?></td></tr>
				<?php endforeach; ?>
				</tbody>
			</table>
		</div>
		<?php
	}
}
