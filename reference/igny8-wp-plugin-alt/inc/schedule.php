<?php
/**
 * The daily re-sync through WP-Cron (CRON-1..4), activation and deactivation.
 *
 * @package AcmeIgny8Sync
 */

if ( ! defined( 'ABSPATH' ) ) {
	exit;
}

add_action( ACMESYNC_CRON_HOOK, 'acmesync_run_daily' );

/**
 * Make sure exactly one daily event is scheduled. The first run is a day away: a sync
 * has just been sent when this is called.
 */
function acmesync_schedule_daily() {
	$event = function_exists( 'wp_get_scheduled_event' ) ? wp_get_scheduled_event( ACMESYNC_CRON_HOOK ) : false;
	if ( $event && 'daily' === $event->schedule && 1 === acmesync_count_events( ACMESYNC_CRON_HOOK ) ) {
		return;
	}
	wp_unschedule_hook( ACMESYNC_CRON_HOOK );
	wp_schedule_event( time() + DAY_IN_SECONDS, 'daily', ACMESYNC_CRON_HOOK );
}

/**
 * Remove the daily event.
 */
function acmesync_unschedule_daily() {
	wp_unschedule_hook( ACMESYNC_CRON_HOOK );
}

/**
 * How many events of a hook are scheduled, whatever their arguments.
 *
 * @param string $hook Hook name.
 * @return int
 */
function acmesync_count_events( $hook ) {
	$count = 0;
	$crons = _get_cron_array();
	if ( ! is_array( $crons ) ) {
		return 0;
	}
	foreach ( $crons as $hooks ) {
		if ( is_array( $hooks ) && isset( $hooks[ $hook ] ) && is_array( $hooks[ $hook ] ) ) {
			$count += count( $hooks[ $hook ] );
		}
	}
	return $count;
}

/**
 * The cron callback: send the current structure. A failure is logged and the event stays
 * scheduled, so the next run tries again (FAIL-3).
 */
function acmesync_run_daily() {
	if ( ! acmesync_is_linked() ) {
		// No key, no event (CRON-4).
		acmesync_unschedule_daily();
		return;
	}
	acmesync_sync_structure( 'cron' );
}

/**
 * Activation: a plugin that is still connected (it was deactivated, not disconnected) gets
 * its daily event back.
 */
function acmesync_on_activate() {
	if ( acmesync_is_linked() ) {
		acmesync_schedule_daily();
	}
}

/**
 * Deactivation: unschedule every hook whose name starts with igny8_ (CRON-3).
 */
function acmesync_on_deactivate() {
	$hooks = array( ACMESYNC_CRON_HOOK );
	$crons = _get_cron_array();
	if ( is_array( $crons ) ) {
		foreach ( $crons as $scheduled ) {
			if ( ! is_array( $scheduled ) ) {
				continue;
			}
			foreach ( array_keys( $scheduled ) as $hook ) {
				if ( 0 === strpos( (string) $hook, 'igny8_' ) ) {
					$hooks[] = (string) $hook;
				}
			}
		}
	}
	foreach ( array_unique( $hooks ) as $hook ) {
		wp_unschedule_hook( $hook );
	}
}
