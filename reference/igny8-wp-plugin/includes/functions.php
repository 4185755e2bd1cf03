<?php
/**
 * The plugin's core: settings, logging, the site structure and its sync, the cron schedule.
 */

defined( 'ABSPATH' ) || exit;

const IGNY8_OPTION         = 'igny8_settings';
const IGNY8_EVENTS_OPTION  = 'igny8_events';
const IGNY8_MAX_EVENTS     = 50;
const IGNY8_STRUCTURE_HOOK = 'igny8_sync_site_structure';
const IGNY8_SCHEMA_VERSION = 1;

/** The payload of the last update-structure request, kept for the diagnostics export (LOG-4). */
const IGNY8_SENT_STRUCTURE_OPTION = 'igny8_sent_structure';

/* ---- Settings ---------------------------------------------------------------------- */

function igny8_get_settings() {
	$defaults = array(
		'backend_url'         => '',
		'api_key'             => '',
		'integration_id'      => 0,
		'site_id'             => 0,
		'connected_at'        => '',
		'last_structure_sync' => '',
		'refused'             => '', // why the backend refused this site's key (CONN-8); '' while it accepts it
	);
	return array_merge( $defaults, (array) get_option( IGNY8_OPTION, array() ) );
}

function igny8_update_settings( $changes ) {
	update_option( IGNY8_OPTION, array_merge( igny8_get_settings(), $changes ), false );
}

function igny8_is_connected() {
	$settings = igny8_get_settings();
	return '' !== $settings['api_key'] && $settings['integration_id'] > 0 && '' === $settings['refused'];
}

/**
 * Whether the backend's answer ends this connection (CONN-8): the key is unknown or revoked (401),
 * the backend holds the integration as not connected (409 not_connected), or as another site's
 * (409 site_mismatch, CONN-9: this is a copy of the site, or the key was pasted here). A stale structure
 * (409 stale_structure), a 5xx or no answer end nothing: the next run retries.
 */
function igny8_is_refusal( $error ) {
	$data = (array) $error->get_error_data();
	return 401 === ( $data['status'] ?? 0 ) || in_array( $error->get_error_code(), array( 'igny8_not_connected', 'igny8_site_mismatch' ), true );
}

/** CONN-8: stop, say so on the settings page, log it once. Connect again resumes. */
function igny8_stop_after_refusal( $error ) {
	igny8_unschedule_cron_jobs();
	igny8_update_settings( array( 'refused' => $error->get_error_message() ) );
	igny8_log( 'Syncing stopped: the backend refused this site (' . $error->get_error_message() . '). Connect again with a valid key.', 'error' );
}

/** @param float|null $deadline microtime(true) by which every request must end (FAIL-2's one budget); null: each request gets the timeout. */
function igny8_client( $settings = null, $deadline = null ) {
	$settings = $settings ? $settings : igny8_get_settings();
	return new Igny8_Api_Client( $settings['backend_url'], $settings['api_key'], $deadline );
}

function igny8_http_timeout() {
	$timeout = defined( 'IGNY8_HTTP_TIMEOUT' ) ? IGNY8_HTTP_TIMEOUT : 10;
	return (int) apply_filters( 'igny8_http_timeout', $timeout );
}

function igny8_is_https_url( $url ) {
	return 'https' === wp_parse_url( $url, PHP_URL_SCHEME ) && '' !== (string) wp_parse_url( $url, PHP_URL_HOST );
}

/** What may be shown of a key (SEC-5): its first characters. */
function igny8_mask_key( $key ) {
	return '' === $key ? '' : substr( $key, 0, 8 ) . '…'; // fewer than 10 characters: SEC-5
}

/* ---- Logging (LOG-1, LOG-2, FAIL-1) ------------------------------------------------------ */

/**
 * Writes "[IGNY8] message" to the PHP error log (debug.log under WP_DEBUG_LOG) and keeps it
 * among the recent events. The API key is masked out of every message, whatever its source.
 */
function igny8_log( $message, $level = 'info' ) {
	$key = igny8_get_settings()['api_key'];
	if ( '' !== $key ) {
		$message = str_replace( $key, igny8_mask_key( $key ), $message );
	}
	error_log( '[IGNY8] ' . $message );
	$events   = (array) get_option( IGNY8_EVENTS_OPTION, array() );
	$events[] = array(
		'time'    => gmdate( 'c' ),
		'level'   => $level,
		'message' => $message,
	);
	update_option( IGNY8_EVENTS_OPTION, array_slice( $events, -IGNY8_MAX_EVENTS ), false );
}

function igny8_recent_events() {
	return array_reverse( (array) get_option( IGNY8_EVENTS_OPTION, array() ) );
}

/* ---- The site structure (STRUCT-1..7) ---------------------------------------------------- */

/** Post types and taxonomies an admin can see: public ones and those with an admin UI. */
function igny8_is_synced_type( $object ) {
	return ! empty( $object->public ) || ! empty( $object->show_ui );
}

/**
 * Whether a post type's items are sent to sync-content (CONTENT-5): only a public type's, by default.
 * A type shown in wp-admin only (memos, form entries) keeps its content on the site unless a site
 * opts it in with the igny8_sync_content_of_type filter; its structure is sent all the same.
 */
function igny8_is_content_type( $type ) {
	return $type && igny8_is_synced_type( $type ) && (bool) apply_filters( 'igny8_sync_content_of_type', ! empty( $type->public ), (string) $type->name );
}

/** The statuses whose items are public content (STRUCT-3): "publish", and any a plugin registers as public (bbPress's "closed"). */
function igny8_public_statuses() {
	return array_values( array_map( 'strval', get_post_stati( array( 'public' => true ) ) ) );
}

/** A post type's public items, from wp_count_posts()'s counts per status. */
function igny8_public_count( $counts ) {
	$total = 0;
	foreach ( igny8_public_statuses() as $status ) {
		$total += isset( $counts->$status ) ? (int) $counts->$status : 0;
	}
	return $total;
}

/**
 * The label as WordPress holds it (STRUCT-7), or the slug when it is blank; at most 200 characters.
 * STRUCT-9: the one character WordPress takes in a label and the protocol cannot carry, NUL, is
 * removed, so that one odd label never stops the site syncing (igny8_nul_labels() names them for the log).
 */
function igny8_label( $object ) {
	$label = (string) $object->label;
	$label = str_replace( "\0", '', $label );
	return '' === trim( $label ) ? $object->name : mb_substr( $label, 0, 200 );
}

/** STRUCT-9: the synced post types and taxonomies whose WordPress label holds a NUL, by slug. */
function igny8_nul_labels() {
	$objects = array_merge( array_values( get_post_types( array(), 'objects' ) ), array_values( get_taxonomies( array(), 'objects' ) ) );
	$slugs   = array();
	foreach ( $objects as $object ) {
		if ( igny8_is_synced_type( $object ) && false !== strpos( (string) $object->label, "\0" ) ) {
			$slugs[] = (string) $object->name;
		}
	}
	return array_values( array_unique( $slugs ) );
}

/**
 * generated_at (STRUCT-6, STRUCT-8): UTC, microseconds, from one reading of the clock. microtime()'s
 * string, "0.uuuuuu00 ssssssssss", is read as integers; a fraction that rounds up to a whole second
 * carries into the seconds, so the time never goes back (12.9999996 is 13.000000, not 12.000000).
 *
 * @param string|null $microtime a microtime() reading; null: the clock now.
 */
function igny8_generated_at( $microtime = null ) {
	list( $fraction, $seconds ) = explode( ' ', null === $microtime ? microtime() : $microtime );
	$micros  = (int) round( (float) $fraction * 1000000 );
	$seconds = (int) $seconds + intdiv( $micros, 1000000 );
	return gmdate( 'Y-m-d\TH:i:s', $seconds ) . sprintf( '.%06dZ', $micros % 1000000 );
}

/**
 * Gathers the site structure as spec/structure.schema.json describes it.
 */
function igny8_get_site_structure() {
	$post_types = array();
	foreach ( get_post_types( array(), 'objects' ) as $type ) {
		$slug = (string) $type->name; // not the array key: PHP turns a slug like "9" into the integer 9
		if ( ! igny8_is_synced_type( $type ) ) {
			continue;
		}
		$counts              = wp_count_posts( $slug );
		$post_types[ $slug ] = array(
			'label'        => igny8_label( $type ),
			'count'        => igny8_public_count( $counts ),
			'hierarchical' => (bool) $type->hierarchical,
			'public'       => (bool) $type->public,
		);
	}
	$taxonomies = array();
	foreach ( get_taxonomies( array(), 'objects' ) as $taxonomy ) {
		$slug = (string) $taxonomy->name; // wp_count_terms() refuses an integer taxonomy
		if ( ! igny8_is_synced_type( $taxonomy ) ) {
			continue;
		}
		$count               = wp_count_terms( array( 'taxonomy' => $slug, 'hide_empty' => false ) );
		$taxonomies[ $slug ] = array(
			'label'        => igny8_label( $taxonomy ),
			'count'        => is_wp_error( $count ) ? 0 : (int) $count,
			'hierarchical' => (bool) $taxonomy->hierarchical,
			'public'       => (bool) $taxonomy->public,
			'object_types' => array_values( array_unique( array_map( 'strval', (array) $taxonomy->object_type ) ) ),
		);
	}
	return array(
		'schema_version' => IGNY8_SCHEMA_VERSION,
		'site_url'       => home_url(),
		'wp_version'     => get_bloginfo( 'version' ),
		'plugin_version' => IGNY8_PLUGIN_VERSION,
		'generated_at'   => igny8_generated_at(),
		'post_types'     => (object) $post_types,
		'taxonomies'     => (object) $taxonomies,
	);
}

/**
 * Sends the structure to the backend's update-structure/ endpoint.
 *
 * @return true|WP_Error
 */
function igny8_sync_site_structure_to_backend( $deadline = null ) {
	if ( ! igny8_is_connected() ) {
		return new WP_Error( 'igny8_not_connected', __( 'The plugin is not connected to IGNY8.', 'igny8' ) );
	}
	$settings  = igny8_get_settings();
	$structure = igny8_get_site_structure();
	$changed   = igny8_nul_labels();
	if ( $changed ) {
		igny8_log( 'Site structure: a NUL character, which the protocol cannot carry, was removed from the label of ' . implode( ', ', $changed ), 'warning' );
	}
	$result    = igny8_client( $settings, $deadline )->post( $settings['integration_id'] . '/update-structure/', $structure );
	igny8_remember_sent_structure( $structure, $result );
	if ( is_wp_error( $result ) ) {
		igny8_log( 'Site structure sync failed: ' . $result->get_error_message(), 'error' );
		if ( igny8_is_refusal( $result ) ) {
			igny8_stop_after_refusal( $result );
		}
		return $result;
	}
	igny8_update_settings( array( 'last_structure_sync' => $result['last_structure_fetch'] ?? gmdate( 'c' ) ) );
	igny8_log( sprintf( 'Site structure synced (%d post types, %d taxonomies)', count( (array) $structure['post_types'] ), count( (array) $structure['taxonomies'] ) ) );
	return true;
}

/**
 * Keeps the payload of the last update-structure request, whatever the backend answered, for the
 * diagnostics export (LOG-4): in the plugin's own option, not autoloaded, as JSON with every
 * non-ASCII character escaped, so that any database charset holds it exactly.
 */
function igny8_remember_sent_structure( $structure, $result ) {
	if ( is_wp_error( $result ) && 'igny8_insecure_url' === $result->get_error_code() ) {
		return; // refused before anything was sent
	}
	update_option( IGNY8_SENT_STRUCTURE_OPTION, (string) wp_json_encode( $structure ), false );
}

/** The payload igny8_remember_sent_structure() kept, as it was sent (objects stay objects), or null. */
function igny8_sent_structure() {
	$sent    = get_option( IGNY8_SENT_STRUCTURE_OPTION, '' );
	$decoded = is_string( $sent ) && '' !== $sent ? json_decode( $sent ) : null;
	return is_object( $decoded ) ? $decoded : null;
}

/* ---- Cron (CRON-1..4) -------------------------------------------------------------------- */

function igny8_schedule_cron_jobs() {
	if ( ! wp_next_scheduled( IGNY8_STRUCTURE_HOOK ) ) {
		wp_schedule_event( time() + DAY_IN_SECONDS, 'daily', IGNY8_STRUCTURE_HOOK );
	}
}

function igny8_unschedule_cron_jobs() {
	wp_clear_scheduled_hook( IGNY8_STRUCTURE_HOOK );
	wp_clear_scheduled_hook( IGNY8_QUEUE_HOOK );
}

function igny8_activate() {
	if ( igny8_is_connected() ) {
		igny8_schedule_cron_jobs();
		igny8_start_backfill(); // what changed while the plugin was not listening (CONTENT-6)
	}
}

function igny8_deactivate() {
	igny8_unschedule_cron_jobs();
}
