<?php
/**
 * The content queue (CONTENT-3, CONTENT-4, CONTENT-6): saves and deletes only note a post's ID; a
 * WP-Cron event sends what is noted, in batches, so WordPress never waits on the network. While the
 * backend fails, the IDs stay in the queue and the event comes back later and later (backoff); once
 * it answers, everything noted is sent. A backfill walks every post by ID, after Connect and daily,
 * so content that existed before Connect, or changed while the plugin was not listening, is put
 * right on the backend too. Each batch of a walk carries the walk's id, and a last one says it is
 * over, so the backend removes what the walk never named: a post deleted while nobody listened (CONTENT-7).
 */

defined( 'ABSPATH' ) || exit;

const IGNY8_QUEUE_HOOK          = 'igny8_send_content';
const IGNY8_QUEUE_OPTION        = 'igny8_content_queue';       // {post ID: when it was noted}
const IGNY8_QUEUE_STATE_OPTION  = 'igny8_content_queue_state'; // {failures, backfill_after, walk, batch}
const IGNY8_QUEUE_BATCH         = 100;                         // items per sync-content request
const IGNY8_QUEUE_BATCHES       = 10;                          // requests per run, then the next run
const IGNY8_RETRY_FIRST_SECONDS = 60;
const IGNY8_RETRY_MAX_SECONDS   = HOUR_IN_SECONDS;

/* ---- What is waiting ------------------------------------------------------------------- */

function igny8_queue() {
	return (array) get_option( IGNY8_QUEUE_OPTION, array() );
}

/**
 * The queue's state, read from the database each time: another WP-Cron run (the daily event starting
 * a walk while a backfill still sends) may have changed it since this request last looked.
 */
function igny8_queue_state() {
	wp_cache_delete( IGNY8_QUEUE_STATE_OPTION, 'options' );
	$defaults = array( 'failures' => 0, 'backfill_after' => null, 'walk' => null, 'batch' => 0 );
	return array_merge( $defaults, (array) get_option( IGNY8_QUEUE_STATE_OPTION, array() ) );
}

function igny8_update_queue_state( $changes ) {
	update_option( IGNY8_QUEUE_STATE_OPTION, array_merge( igny8_queue_state(), $changes ), false );
}

/** Notes posts to send; the next run decides from their state then whether each is sent or deleted. */
function igny8_enqueue_posts( $ids ) {
	$queue = igny8_queue();
	$now   = microtime( true );
	foreach ( $ids as $id ) {
		unset( $queue[ (int) $id ] ); // re-noted: to the back, with its new time
		$queue[ (int) $id ] = $now;
	}
	update_option( IGNY8_QUEUE_OPTION, $queue, false );
	igny8_schedule_queue_run();
}

/** Starts a walk over every post (CONTENT-4 after Connect, CONTENT-6 daily and on reactivation). */
function igny8_start_backfill() {
	igny8_update_queue_state( array( 'backfill_after' => 0, 'walk' => wp_generate_uuid4(), 'batch' => 0 ) );
	igny8_schedule_queue_run();
}

/** A run as soon as WP-Cron next runs, unless one is already scheduled (a retry keeps its backoff). */
function igny8_schedule_queue_run( $at = null ) {
	if ( ! wp_next_scheduled( IGNY8_QUEUE_HOOK ) ) {
		wp_schedule_single_event( null === $at ? time() : $at, IGNY8_QUEUE_HOOK );
	}
}

function igny8_forget_queue() {
	wp_clear_scheduled_hook( IGNY8_QUEUE_HOOK );
	delete_option( IGNY8_QUEUE_OPTION );
	delete_option( IGNY8_QUEUE_STATE_OPTION );
}

/* ---- Which posts are content ------------------------------------------------------------ */

/** Whether the backend should hold this post: public content of a content type (CONTENT-2, CONTENT-5, STRUCT-3). */
function igny8_is_public_content( $post ) {
	return $post instanceof WP_Post
		&& ! wp_is_post_revision( $post ) && ! wp_is_post_autosave( $post )
		&& igny8_is_content_type( get_post_type_object( $post->post_type ) )
		&& in_array( $post->post_status, igny8_public_statuses(), true );
}

function igny8_content_item( $post ) {
	$terms = array();
	foreach ( get_object_taxonomies( $post->post_type ) as $taxonomy ) {
		$slugs = wp_get_object_terms( $post->ID, $taxonomy, array( 'fields' => 'slugs' ) );
		if ( ! is_wp_error( $slugs ) && $slugs ) {
			$terms[ $taxonomy ] = array_values( array_map( 'strval', $slugs ) );
		}
	}
	return array(
		'external_id'  => $post->ID,
		'post_type'    => $post->post_type,
		'title'        => get_the_title( $post ),
		'status'       => $post->post_status,
		'url'          => (string) get_permalink( $post ),
		'modified_gmt' => mysql2date( 'Y-m-d\TH:i:s\Z', $post->post_modified_gmt, false ),
		'terms'        => (object) $terms,
	);
}

/** The sync-content body for these IDs, from the posts' state now: public content is sent, anything else deleted. */
function igny8_content_batch( $ids ) {
	$items   = array();
	$deleted = array();
	foreach ( $ids as $id ) {
		clean_post_cache( $id );
		$post = get_post( $id );
		if ( igny8_is_public_content( $post ) ) {
			$items[] = igny8_content_item( $post );
		} else {
			$deleted[] = array( 'external_id' => (int) $id );
		}
	}
	return array( 'items' => $items, 'deleted' => $deleted );
}

/**
 * The next IDs of the backfill's walk, in ID order: every post but revisions, whatever its type and
 * status, so that one the backend may still hold (trashed, drafted, of a type no longer public or no
 * longer registered) is sent as deleted.
 */
function igny8_backfill_ids( $after ) {
	global $wpdb;
	return array_map( 'intval', $wpdb->get_col( $wpdb->prepare( "SELECT ID FROM {$wpdb->posts} WHERE ID > %d AND post_type <> 'revision' ORDER BY ID LIMIT %d", (int) $after, IGNY8_QUEUE_BATCH ) ) );
}

/* ---- Sending ----------------------------------------------------------------------------- */

/** The wait before retry N (1, 2, ...): doubling from a minute, at most an hour, never before the backend's Retry-After. */
function igny8_retry_delay( $failures, $retry_after = 0 ) {
	$delay = min( IGNY8_RETRY_MAX_SECONDS, IGNY8_RETRY_FIRST_SECONDS * ( 2 ** min( 10, max( 0, $failures - 1 ) ) ) );
	return max( $delay, (int) $retry_after );
}

/** The queue's WP-Cron event: up to IGNY8_QUEUE_BATCHES requests, queue first, then the backfill. */
function igny8_send_content_queue() {
	if ( ! igny8_is_connected() ) {
		return;
	}
	$settings = igny8_get_settings();
	$client   = igny8_client( $settings );
	$sent     = array( 'items' => 0, 'deleted' => 0 );
	for ( $run = 0; $run < IGNY8_QUEUE_BATCHES; $run++ ) {
		$queue    = igny8_queue();
		$state    = igny8_queue_state();
		$noted    = array_slice( $queue, 0, IGNY8_QUEUE_BATCH, true );
		$backfill = ! $noted && null !== $state['backfill_after'];
		if ( $backfill && ! $state['walk'] ) { // a walk an older version began, its start marked by no id: begun again
			igny8_start_backfill();
			$state = igny8_queue_state();
		}
		$ids = $backfill ? igny8_backfill_ids( $state['backfill_after'] ) : array_keys( $noted );
		if ( ! $ids && ! $backfill ) {
			break;
		}
		$body = igny8_content_batch( $ids );
		if ( $backfill ) { // CONTENT-7: the walk's id and number on each batch, 0 first; past the last post, a batch that ends it
			$walk         = $state['walk'];
			$number       = (int) $state['batch'];
			$body['walk'] = array( 'id' => $walk, 'batch' => $number, 'last' => ! $ids && $number > 0 );
		}
		$result = $client->post( $settings['integration_id'] . '/sync-content/', $body );
		if ( is_wp_error( $result ) ) {
			igny8_content_sync_failed( $result, count( $queue ) );
			return;
		}
		if ( $backfill && $body['walk']['last'] ) {
			igny8_end_walk( $walk, (int) ( $result['deleted'] ?? 0 ) );
			break;
		} elseif ( $backfill ) { // the cursor is written with the walk it belongs to, never under another's id
			$after = $ids ? max( $ids ) : $state['backfill_after'];
			igny8_update_queue_state( array( 'walk' => $walk, 'batch' => $number + 1, 'backfill_after' => $after, 'failures' => 0 ) );
		} else {
			igny8_forget_sent( $noted );
			igny8_update_queue_state( array( 'failures' => 0 ) );
		}
		$sent['items']   += count( $body['items'] );
		$sent['deleted'] += count( $body['deleted'] );
	}
	if ( $sent['items'] || $sent['deleted'] ) {
		igny8_log( sprintf( 'Content synced (%d items sent, %d deleted)', $sent['items'], $sent['deleted'] ) );
	}
	if ( igny8_queue() || null !== igny8_queue_state()['backfill_after'] ) {
		igny8_schedule_queue_run(); // more than one run's worth: the next run carries on
	}
}

/** The walk is over, unless another began meanwhile (the daily event during a backfill): that one goes on. */
function igny8_end_walk( $walk, $removed ) {
	if ( igny8_queue_state()['walk'] === $walk ) {
		igny8_update_queue_state( array( 'backfill_after' => null, 'walk' => null, 'batch' => 0, 'failures' => 0 ) );
	}
	igny8_log( sprintf( 'Content backfill finished (%d items the site no longer has removed)', $removed ) );
}

/** Removes what was sent, unless it was noted again meanwhile (a save during the request): that stays. */
function igny8_forget_sent( $noted ) {
	$queue = igny8_queue();
	foreach ( $noted as $id => $when ) {
		if ( isset( $queue[ $id ] ) && $queue[ $id ] === $when ) {
			unset( $queue[ $id ] );
		}
	}
	update_option( IGNY8_QUEUE_OPTION, $queue, false );
}

/** FAIL-1, CONTENT-3: logged, kept, and retried later, later each time. */
function igny8_content_sync_failed( $error, $waiting ) {
	if ( igny8_is_refusal( $error ) ) {
		igny8_log( 'Content sync failed: ' . $error->get_error_message(), 'error' );
		igny8_stop_after_refusal( $error ); // nothing to retry with a key the backend refuses; Connect walks the content again
		return;
	}
	$failures    = igny8_queue_state()['failures'] + 1;
	$data        = (array) $error->get_error_data();
	$delay       = igny8_retry_delay( $failures, $data['retry_after'] ?? 0 );
	igny8_update_queue_state( array( 'failures' => $failures ) );
	wp_clear_scheduled_hook( IGNY8_QUEUE_HOOK );
	wp_schedule_single_event( time() + $delay, IGNY8_QUEUE_HOOK );
	igny8_log( sprintf( 'Content sync failed: %s (%d posts waiting; retry %d in %d s)', $error->get_error_message(), $waiting, $failures, $delay ), 'error' );
}
