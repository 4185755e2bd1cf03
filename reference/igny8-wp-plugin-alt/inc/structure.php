<?php
/**
 * Gathering the site structure and sending it (STRUCT-*, CONN-2, CRON-2, LOG-1, FAIL-1).
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

/**
 * A label as the protocol wants it: WordPress's own text, the slug when blank (as trim()
 * sees it), at most 200 characters.
 *
 * @param mixed  $label The registered label.
 * @param string $slug  The slug.
 * @return string
 */
function acmesync_label( $label, $slug ) {
	$label = is_scalar( $label ) ? (string) $label : '';
	// U+0000 cannot be stored by the backend; nothing else is touched. Say which entry changed.
	if ( false !== strpos( $label, "\0" ) ) {
		$label = str_replace( "\0", '', $label );
		acmesync_journal_add( 'warning', sprintf( 'Site structure: a NUL character was removed from the label of %s', $slug ) );
	}
	if ( '' === trim( $label ) ) {
		$label = (string) $slug;
	}
	if ( function_exists( 'mb_strlen' ) ) {
		if ( mb_strlen( $label, 'UTF-8' ) > 200 ) {
			$label = mb_substr( $label, 0, 200, 'UTF-8' );
		}
	} elseif ( strlen( $label ) > 200 ) {
		$label = substr( $label, 0, 200 );
	}
	return $label;
}

/**
 * Whether a post type or taxonomy object belongs in the payload: public or with show_ui.
 *
 * @param object $object WP_Post_Type or WP_Taxonomy.
 * @return bool
 */
function acmesync_is_exposed( $object ) {
	return ! empty( $object->public ) || ! empty( $object->show_ui );
}

/**
 * Whether the protocol takes `$key` (spec STORE-4): a post type's key as WordPress sanitizes it
 * (a-z 0-9 _ -, up to 20), or a taxonomy's name as register_taxonomy() takes it (1 to 32 bytes,
 * any case and script), never with a NUL.
 *
 * @param string $key        The key.
 * @param int    $max_length 20 for post types, 32 for taxonomies.
 * @return bool
 */
function acmesync_is_key( $key, $max_length ) {
	if ( 20 === $max_length ) {
		return (bool) preg_match( '/^[a-z0-9_-]{1,20}$/', $key );
	}
	return '' !== $key && strlen( $key ) <= $max_length && false === strpos( $key, "\0" );
}

/**
 * Slugs the structure holds among `$objects` (post types or taxonomies), within the key limit.
 *
 * @param object[] $objects    WP_Post_Type or WP_Taxonomy objects.
 * @param int      $max_length 20 for post types, 32 for taxonomies.
 * @return string[]
 */
function acmesync_exposed_slugs( $objects, $max_length ) {
	$slugs = array();
	foreach ( $objects as $object ) {
		$slug = (string) $object->name;
		if ( acmesync_is_exposed( $object ) && acmesync_is_key( $slug, $max_length ) ) {
			$slugs[] = $slug;
		}
	}
	return $slugs;
}

/**
 * Post type slugs the structure holds (also the ones content sync pushes).
 *
 * @return string[]
 */
function acmesync_synced_post_types() {
	return acmesync_exposed_slugs( get_post_types( array(), 'objects' ), 20 );
}

/**
 * Taxonomy slugs the structure holds.
 *
 * @return string[]
 */
function acmesync_synced_taxonomies() {
	return acmesync_exposed_slugs( get_taxonomies( array(), 'objects' ), 32 );
}

/**
 * The next generated_at: UTC, RFC 3339, microseconds; strictly later than the last one this
 * site produced, even within one second or if the clock steps back (CONC-1).
 *
 * @return string
 */
function acmesync_next_timestamp() {
	$parts = explode( ' ', microtime() );
	$sec   = isset( $parts[1] ) ? (int) $parts[1] : time();
	$frac  = isset( $parts[0] ) ? (float) $parts[0] : 0.0;
	$now   = $sec * 1000000 + (int) round( $frac * 1000000 );

	wp_cache_delete( 'acmesync_clock', 'options' );
	$last = get_option( 'acmesync_clock', '0' );
	$last = is_numeric( $last ) ? (int) $last : 0;
	if ( $now <= $last ) {
		$now = $last + 1;
	}
	update_option( 'acmesync_clock', (string) $now, false );

	$whole = intdiv( $now, 1000000 );
	$micro = $now % 1000000;
	return gmdate( 'Y-m-d\TH:i:s', $whole ) . '.' . sprintf( '%06d', $micro ) . 'Z';
}

/**
 * The structure payload (spec/structure.schema.json).
 *
 * @return array
 */
function acmesync_gather_structure() {
	$post_types = array();
	foreach ( get_post_types( array(), 'objects' ) as $type ) {
		$slug = (string) $type->name;
		if ( ! acmesync_is_exposed( $type ) || ! preg_match( '/^[a-z0-9_-]{1,20}$/', $slug ) ) {
			continue;
		}
		// Items in every status WordPress registers as public: publish, and e.g. a forum's "closed".
		$counts    = wp_count_posts( $slug );
		$published = 0;
		foreach ( get_post_stati( array( 'public' => true ) ) as $status ) {
			$published += ( is_object( $counts ) && isset( $counts->$status ) ) ? (int) $counts->$status : 0;
		}
		$post_types[ $slug ] = array(
			'label'        => acmesync_label( isset( $type->label ) ? $type->label : '', $slug ),
			'count'        => max( 0, $published ),
			'hierarchical' => (bool) $type->hierarchical,
			'public'       => (bool) $type->public,
		);
	}

	$taxonomies = array();
	foreach ( get_taxonomies( array(), 'objects' ) as $tax ) {
		$slug = (string) $tax->name;
		if ( ! acmesync_is_exposed( $tax ) || ! acmesync_is_key( $slug, 32 ) ) {
			continue;
		}
		$terms = wp_count_terms(
			array(
				'taxonomy'   => $slug,
				'hide_empty' => false,
			)
		);
		$objects = array();
		foreach ( (array) $tax->object_type as $object_type ) {
			$object_type = (string) $object_type;
			if ( '' !== $object_type && false === strpos( $object_type, "\0" ) && ! in_array( $object_type, $objects, true ) ) {
				$objects[] = $object_type;
			}
		}
		$taxonomies[ $slug ] = array(
			'label'        => acmesync_label( isset( $tax->label ) ? $tax->label : '', $slug ),
			'count'        => is_wp_error( $terms ) ? 0 : max( 0, (int) $terms ),
			'hierarchical' => (bool) $tax->hierarchical,
			'public'       => (bool) $tax->public,
			'object_types' => $objects,
		);
	}

	return array(
		'schema_version' => 1,
		'site_url'       => home_url(),
		'wp_version'     => (string) get_bloginfo( 'version' ),
		'plugin_version' => acmesync_plugin_version(),
		'generated_at'   => acmesync_next_timestamp(),
		// Objects even when empty or when every slug looks like a number.
		'post_types'     => (object) $post_types,
		'taxonomies'     => (object) $taxonomies,
	);
}

/**
 * Gather the structure and send it to update-structure/. Logs the outcome.
 *
 * @param string     $trigger Why: connect | manual | cron.
 * @param float|null $budget  Seconds the call may take at most.
 * @return array An acmesync_post() result, with 'summary' on success.
 */
function acmesync_sync_structure( $trigger, $budget = null ) {
	if ( ! acmesync_is_linked() ) {
		$result = array(
			'ok'      => false,
			'status'  => 0,
			'code'    => 'not_connected',
			'message' => __( 'The plugin is not connected to a backend.', 'acme-igny8-sync' ),
			'data'    => array(),
		);
		acmesync_journal_add( 'error', sprintf( 'Site structure sync failed (%s): %s', $trigger, acmesync_describe_failure( $result ) ) );
		return $result;
	}

	$payload = acmesync_gather_structure();
	$link_id = acmesync_get_link_id();
	$result  = acmesync_post( acmesync_get_endpoint(), acmesync_get_token(), $link_id . '/update-structure/', $payload, $budget );

	if ( $result['ok'] ) {
		$summary           = sprintf(
			'%d post types, %d taxonomies, integration %d',
			count( (array) $payload['post_types'] ),
			count( (array) $payload['taxonomies'] ),
			$link_id
		);
		$result['summary'] = $summary;
		acmesync_journal_add( 'info', sprintf( 'Site structure synced (%s): %s', $trigger, $summary ) );
	} else {
		acmesync_journal_add( 'error', sprintf( 'Site structure sync failed (%s): %s', $trigger, acmesync_describe_failure( $result ) ) );
		if ( acmesync_is_refusal( $result ) ) {
			// Refused for good: stop the daily sync and say so on the settings page until Connect succeeds.
			update_option( 'acmesync_halted', acmesync_describe_failure( $result ), false );
			acmesync_unschedule_daily();
			acmesync_journal_add( 'error', 'Syncing stopped: ' . acmesync_describe_failure( $result ) . '. Connect again with a valid key.' );
		}
	}
	return $result;
}
