<?php
/**
 * The page under Tools: connection form, actions, status and sync history.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( 'admin_menu', 'acmesync_register_page' );
add_filter( 'plugin_action_links_' . plugin_basename( ACMESYNC_FILE ), 'acmesync_action_links' );

/**
 * Add the page to the Tools menu.
 */
function acmesync_register_page() {
	add_management_page(
		__( 'IGNY8 Site Sync', 'acme-igny8-sync' ),
		__( 'IGNY8 Sync', 'acme-igny8-sync' ),
		'manage_options',
		ACMESYNC_PAGE,
		'acmesync_render_page'
	);
}

/**
 * A "Set up" link on the Plugins screen.
 *
 * @param string[] $links Links.
 * @return string[]
 */
function acmesync_action_links( $links ) {
	if ( current_user_can( 'manage_options' ) ) {
		$links[] = '<a href="' . esc_url( acmesync_page_url() ) . '">' . esc_html__( 'Set up', 'acme-igny8-sync' ) . '</a>';
	}
	return $links;
}

/**
 * @return string The page's URL.
 */
function acmesync_page_url() {
	return admin_url( 'tools.php?page=' . ACMESYNC_PAGE );
}

/**
 * Keep an outcome for the page the action redirects to (one per user, read once).
 *
 * @param string $kind success | error | warning.
 * @param string $text Plain text.
 */
function acmesync_flash( $kind, $text ) {
	set_transient(
		'acmesync_flash_' . get_current_user_id(),
		array(
			'kind' => $kind,
			'text' => acmesync_scrub( (string) $text ),
		),
		10 * MINUTE_IN_SECONDS
	);
}

/**
 * Print and forget the pending outcome, as a core admin notice.
 */
function acmesync_print_flash() {
	if ( '' !== acmesync_halted() ) {
		printf(
			'<div class="notice notice-error" role="alert"><p>%s</p></div>',
			/* translators: %s: error code and message from the backend. */
			esc_html( sprintf( __( 'Syncing has stopped: the backend refused this site (%s). Connect again with a valid key.', 'acme-igny8-sync' ), acmesync_scrub( acmesync_halted() ) ) )
		);
	}
	$key   = 'acmesync_flash_' . get_current_user_id();
	$flash = get_transient( $key );
	if ( ! is_array( $flash ) || empty( $flash['text'] ) ) {
		return;
	}
	delete_transient( $key );
	$kind = in_array( $flash['kind'], array( 'success', 'error', 'warning' ), true ) ? $flash['kind'] : 'warning';
	printf(
		'<div class="notice notice-%1$s" role="%2$s"><p>%3$s</p></div>',
		esc_attr( $kind ),
		'error' === $kind ? 'alert' : 'status',
		esc_html( $flash['text'] )
	);
}

/**
 * Open a form that posts one action to admin-post.php, with its nonce.
 *
 * @param string $action Action name (also the nonce action).
 * @param string $id     Form id.
 */
function acmesync_form_open( $action, $id ) {
	printf(
		'<form id="%1$s" class="acmesync-form" method="post" action="%2$s">',
		esc_attr( $id ),
		esc_url( admin_url( 'admin-post.php' ) )
	);
	printf( '<input type="hidden" name="action" value="%s" />', esc_attr( $action ) );
	wp_nonce_field( $action, '_acmesync_nonce' );
}

/**
 * Render the page.
 */
function acmesync_render_page() {
	if ( ! current_user_can( 'manage_options' ) ) {
		wp_die( esc_html__( 'You are not allowed to manage this integration.', 'acme-igny8-sync' ), 403 );
	}

	$linked    = acmesync_is_linked();
	$endpoint  = acmesync_get_endpoint();
	$site_name = (string) get_option( 'acmesync_site_name', '' );
	$event     = wp_get_scheduled_event( ACMESYNC_CRON_HOOK );
	?>
	<div class="wrap acmesync-wrap">
		<h1><?php esc_html_e( 'IGNY8 Site Sync', 'acme-igny8-sync' ); ?></h1>
		<?php acmesync_print_flash(); ?>

		<p id="acmesync-state">
			<?php
			if ( $linked ) {
				printf(
					/* translators: 1: integration id, 2: site name. */
					esc_html__( 'Status: linked to integration #%1$d (%2$s).', 'acme-igny8-sync' ),
					(int) acmesync_get_link_id(),
					esc_html( '' !== $site_name ? $site_name : __( 'unnamed site', 'acme-igny8-sync' ) )
				);
				if ( $event ) {
					echo ' ';
					printf(
						/* translators: %s: date and time (UTC). */
						esc_html__( 'Next automatic sync: %s UTC.', 'acme-igny8-sync' ),
						esc_html( gmdate( 'Y-m-d H:i', (int) $event->timestamp ) )
					);
				}
			} else {
				esc_html_e( 'Status: not linked. Enter the backend address and an API key, then connect.', 'acme-igny8-sync' );
			}
			?>
		</p>

		<?php acmesync_form_open( 'acmesync_link', 'acmesync-link-form' ); ?>
			<fieldset class="acmesync-fieldset">
				<legend class="screen-reader-text"><?php esc_html_e( 'Backend credentials', 'acme-igny8-sync' ); ?></legend>
				<p>
					<label for="acmesync-endpoint"><?php esc_html_e( 'Backend URL', 'acme-igny8-sync' ); ?></label><br />
					<input type="text" inputmode="url" class="regular-text code" id="acmesync-endpoint" name="acme_endpoint"
						value="<?php echo esc_attr( $endpoint ); ?>" placeholder="https://api.example.com"
						aria-describedby="acmesync-endpoint-help" autocomplete="off" spellcheck="false" />
					<span id="acmesync-endpoint-help" class="description"><?php esc_html_e( 'Only https:// addresses are accepted.', 'acme-igny8-sync' ); ?></span>
				</p>
				<p>
					<label for="acmesync-secret"><?php esc_html_e( 'API key', 'acme-igny8-sync' ); ?></label><br />
					<input type="password" class="regular-text code" id="acmesync-secret" name="acme_secret" value=""
						aria-describedby="acmesync-secret-help" autocomplete="new-password" spellcheck="false" />
					<span id="acmesync-secret-help" class="description">
						<?php
						if ( $linked ) {
							printf(
								/* translators: %s: masked key. */
								esc_html__( 'A key is stored (%s). Leave empty to reconnect with it.', 'acme-igny8-sync' ),
								esc_html( acmesync_mask( acmesync_get_token() ) )
							);
						} else {
							esc_html_e( 'The key the IGNY8 backend showed for this site.', 'acme-igny8-sync' );
						}
						?>
					</span>
				</p>
			</fieldset>
			<p><button type="submit" class="button button-primary" name="acme_do" value="link"><?php esc_html_e( 'Connect', 'acme-igny8-sync' ); ?></button></p>
		</form>

		<?php if ( $linked ) : ?>
			<h2><?php esc_html_e( 'Actions', 'acme-igny8-sync' ); ?></h2>
			<div class="acmesync-actions">
				<?php acmesync_form_open( 'acmesync_probe', 'acmesync-probe-form' ); ?>
					<p><button type="submit" class="button" name="acme_do" value="probe"><?php esc_html_e( 'Verify credentials', 'acme-igny8-sync' ); ?></button></p>
				</form>
				<?php acmesync_form_open( 'acmesync_refresh', 'acmesync-refresh-form' ); ?>
					<p><button type="submit" class="button" name="acme_do" value="refresh"><?php esc_html_e( 'Sync structure', 'acme-igny8-sync' ); ?></button></p>
				</form>
				<?php acmesync_form_open( 'acmesync_unlink', 'acmesync-unlink-form' ); ?>
					<p><button type="submit" class="button button-link-delete" name="acme_do" value="unlink"><?php esc_html_e( 'Unlink site', 'acme-igny8-sync' ); ?></button></p>
				</form>
			</div>
		<?php endif; ?>

		<h2 id="acmesync-history-title"><?php esc_html_e( 'Sync history', 'acme-igny8-sync' ); ?></h2>
		<?php $entries = acmesync_journal_newest_first(); ?>
		<table class="widefat striped acmesync-history" aria-labelledby="acmesync-history-title">
			<thead>
				<tr>
					<th scope="col"><?php esc_html_e( 'When (UTC)', 'acme-igny8-sync' ); ?></th>
					<th scope="col"><?php esc_html_e( 'Level', 'acme-igny8-sync' ); ?></th>
					<th scope="col"><?php esc_html_e( 'What happened', 'acme-igny8-sync' ); ?></th>
				</tr>
			</thead>
			<tbody>
				<?php foreach ( $entries as $entry ) : ?>
					<tr class="acmesync-level-<?php echo esc_attr( isset( $entry['level'] ) ? $entry['level'] : 'info' ); ?>">
						<td><time datetime="<?php echo esc_attr( isset( $entry['when'] ) ? $entry['when'] : '' ); ?>"><?php echo esc_html( isset( $entry['when'] ) ? $entry['when'] : '' ); ?></time></td>
						<td><?php echo esc_html( isset( $entry['level'] ) ? $entry['level'] : '' ); ?></td>
						<td><?php echo esc_html( acmesync_scrub( isset( $entry['text'] ) ? (string) $entry['text'] : '' ) ); ?></td>
					</tr>
				<?php endforeach; ?>
			</tbody>
		</table>
		<?php if ( ! $entries ) : ?>
			<p class="description"><?php esc_html_e( 'Nothing has happened yet.', 'acme-igny8-sync' ); ?></p>
		<?php endif; ?>
	</div>
	<?php
}
