// A read replica's copy of the offers and of the offer event log (docs/contract.md §2 GetUserOffer
// and WatchOfferEvents, §3 "user-offers"; docs/kafka-replica.md "Applying an event"): it changes
// only by applying events that a primary wrote, each at the offset the primary gave it.
//
// Why the offsets stay the primary's: the replica's log is an OfferEventLog, whose offsets are
// dense from 0, and an event is appended only when its offset is exactly the log's end. So the
// replica's offset N holds the primary's event N, and a WatchOfferEvents client can move between
// primary and replica with the same `from_offset`.
//
// Idempotence: an event at an offset the log already holds is a repeat when the event id there is
// the same (it changes nothing); the version of a user is the number of events applied for them,
// which is how the primary counts it too (+1 on every change, 0 before the first), so applying
// each event once and in order gives every user the primary's version.

import { type OfferEvent, OfferEventLog } from './offer-event-log.js';
import type { UserOfferState } from './offer-store.js';

/** What `apply` did with one event. */
export type ApplyOutcome =
  /** The event was the next one: the user's offer and the log changed. */
  | { readonly kind: 'applied'; readonly offer: UserOfferState }
  /** The log already holds this very event at its offset: nothing changed. */
  | { readonly kind: 'repeat' }
  /**
   * The event does not continue the history the replica holds (a gap before it, another event
   * at its offset, or a `from_offer` that is not the user's offer): nothing changed, and `reason`
   * says which, as one sentence.
   */
  | { readonly kind: 'outOfSequence'; readonly reason: string };

export class ReplicaOfferStore {
  readonly log = new OfferEventLog();
  /** Every user some applied event named, with their current offer. */
  private readonly offers = new Map<string, UserOfferState>();
  /** One copy of each offer code, as OfferStore keeps them (many events name the same few). */
  private readonly codes = new Map<string, string>();

  /**
   * The user's offer as the applied events left it; undefined for a user no event has named
   * (the replica learns of users only through their offer events).
   */
  get(userId: string): UserOfferState | undefined {
    return this.offers.get(userId);
  }

  /** How many users some applied event named. */
  get userCount(): number {
    return this.offers.size;
  }

  /**
   * Applies one event of the primary's log, synchronously (the offer and the log change together,
   * as on the primary). Only the event at offset `log.endOffset` changes anything.
   */
  apply(event: OfferEvent): ApplyOutcome {
    const end = this.log.endOffset;
    if (event.offset < end) {
      const held = this.log.at(event.offset)!;
      if (held.eventId === event.eventId) return { kind: 'repeat' };
      return {
        kind: 'outOfSequence',
        reason:
          `offset ${event.offset} already holds event ${held.eventId}, not ${event.eventId}: ` +
          'the source holds a different history (was the primary restarted with an empty store?)',
      };
    }
    if (event.offset > end) {
      return {
        kind: 'outOfSequence',
        reason: `event ${event.eventId} is at offset ${event.offset} but the next one applied must be at ${end}: events ${end} to ${event.offset - 1} are missing from the source`,
      };
    }
    const current = this.offers.get(event.userId);
    const currentCode = current?.offerCode ?? '';
    if (event.fromOffer !== currentCode) {
      return {
        kind: 'outOfSequence',
        reason: `event ${event.eventId} at offset ${event.offset} moves user ${event.userId} from "${event.fromOffer}", but their offer is "${currentCode}"`,
      };
    }
    return { kind: 'applied', offer: this.change(event, current?.version ?? 0) };
  }

  /** The user's new state and the event in the log, in one synchronous step. */
  private change(event: OfferEvent, version: number): UserOfferState {
    let offerCode = this.codes.get(event.toOffer);
    if (offerCode === undefined) {
      offerCode = event.toOffer;
      this.codes.set(offerCode, offerCode);
    }
    const next: UserOfferState = Object.freeze({
      userId: event.userId,
      offerCode,
      version: version + 1,
      updatedAt: event.occurredAt,
    });
    this.offers.set(event.userId, next);
    // The log gives the event offset `endOffset`, which is event.offset (checked above).
    this.log.append({
      eventId: event.eventId,
      userId: event.userId,
      fromOffer: event.fromOffer,
      toOffer: offerCode,
      migrationId: event.migrationId,
      occurredAt: event.occurredAt,
    });
    return next;
  }
}
