// Each user's current offer with its version, and the event log of every change (docs/contract.md §2
// offers.v1.OfferService, §6 "Offers"): a change and its OfferEvent happen in one synchronous step.
//
// Concurrency: like UserStore, every operation is synchronous, so its check-then-write (the
// compare-and-set of a migration row) cannot interleave with another call's. Offers belong to
// users: an offer can only be set for a user the UserStore holds, and deleting the user deletes
// the offer inside the same step (no event is emitted for that, as the contract says).

import { newUuid } from './ids.js';
import { OfferEventLog } from './offer-event-log.js';
import { UserNotFoundError, type UserStore } from './user-store.js';

/** A user's offer as GetUserOffer returns it. */
export interface UserOfferState {
  readonly userId: string;
  /** "" for a user who has no offer yet. */
  readonly offerCode: string;
  /** 0 before the first offer; +1 on every change. */
  readonly version: number;
  /** Unix ms of the last change; 0 before the first. */
  readonly updatedAt: number;
}

/** The outcome of one compare-and-set move, which MigrateOffers counts. */
export type MoveOutcome =
  | { readonly kind: 'migrated'; readonly offer: UserOfferState }
  | { readonly kind: 'skipped' }
  | { readonly kind: 'unknownUser' }
  | { readonly kind: 'mismatch'; readonly currentOffer: string };

export interface OfferStoreOptions {
  /** The clock, in Unix milliseconds (tests pass their own). */
  now?: () => number;
  /** Makes event ids (tests pass their own). */
  newEventId?: () => string;
}

export class OfferStore {
  readonly log = new OfferEventLog();
  /** Only users who have had an offer; the others read as offer "" version 0. */
  private readonly offers = new Map<string, UserOfferState>();
  /**
   * One copy of each offer code. Codes arrive as new strings with every request, and a million
   * events naming the same few codes should not hold a million copies of them.
   */
  private readonly codes = new Map<string, string>();
  private readonly now: () => number;
  private readonly newEventId: () => string;

  constructor(
    private readonly users: UserStore,
    options: OfferStoreOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.newEventId = options.newEventId ?? newUuid;
    users.onDelete((user) => this.offers.delete(user.id));
  }

  /** The user's offer; undefined if there is no such user. */
  get(userId: string): UserOfferState | undefined {
    const user = this.users.get(userId);
    if (user === undefined) return undefined;
    // The user store's own id string, so that state and events share it (not the request's copy).
    return this.offers.get(user.id) ?? { userId: user.id, offerCode: '', version: 0, updatedAt: 0 };
  }

  /**
   * Sets the user's offer. Setting the current code again changes nothing and appends no event;
   * any change adds 1 to the version and appends one event. Throws UserNotFoundError.
   */
  set(userId: string, offerCode: string, migrationId = ''): UserOfferState {
    const current = this.get(userId);
    if (current === undefined) throw new UserNotFoundError(userId);
    if (current.offerCode === offerCode) return current;
    return this.change(current, offerCode, migrationId);
  }

  /**
   * Compare-and-set for one migration row: moves the user to `target` only if their offer is
   * `expected` now ("" matches a user with no offer yet). A user already on `target` is skipped,
   * whatever `expected` says, so re-running an upload changes nothing.
   */
  move(userId: string, expected: string, target: string, migrationId: string): MoveOutcome {
    const current = this.get(userId);
    if (current === undefined) return { kind: 'unknownUser' };
    if (current.offerCode === target) return { kind: 'skipped' };
    if (current.offerCode !== expected) {
      return { kind: 'mismatch', currentOffer: current.offerCode };
    }
    return { kind: 'migrated', offer: this.change(current, target, migrationId) };
  }

  /** The one place an offer changes: new state and its event, in one synchronous step. */
  private change(current: UserOfferState, code: string, migrationId: string): UserOfferState {
    const now = this.now();
    let offerCode = this.codes.get(code);
    if (offerCode === undefined) {
      offerCode = code;
      this.codes.set(code, code);
    }
    const next: UserOfferState = Object.freeze({
      userId: current.userId,
      offerCode,
      version: current.version + 1,
      updatedAt: now,
    });
    this.offers.set(current.userId, next);
    this.log.append({
      eventId: this.newEventId(),
      userId: current.userId,
      fromOffer: current.offerCode,
      toOffer: offerCode,
      migrationId,
      occurredAt: now,
    });
    return next;
  }
}
