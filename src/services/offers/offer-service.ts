// offers.v1.OfferService (proto/offers.proto) on the OfferStore, with the behaviour of docs/contract.md
// §2: requests are validated before anything is looked up; migration rows are applied one
// by one as they arrive; the event log is replayed and then tailed live.

import type { ServiceImplementation } from '../../server/handlers.js';
import { newUuid } from '../../store/ids.js';
import type { OfferStore } from '../../store/offer-store.js';
import { UserNotFoundError } from '../../store/user-store.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { Status } from '../../transport/status.js';
import type { MigrationReport, RowError } from '../../wire/messages/offers.js';
import { invalidArgument, violation } from '../bad-request.js';
import type { OfferServiceDefinition } from './offer-service-definition.js';
import { checkOfferCode, checkUserId, invalidRowReason } from './validation.js';

export { OfferServiceDefinition } from './offer-service-definition.js';

/** A report lists at most this many failed rows (the counts stay exact). */
export const MAX_LISTED_ROW_ERRORS = 1000;

const noSuchUser = (userId: string): GrpcError =>
  new GrpcError(Status.NOT_FOUND, `no user has id "${userId}"`);

export interface OfferServiceOptions {
  /** Makes migration ids (tests pass their own). */
  newMigrationId?: () => string;
}

export function createOfferService(
  offers: OfferStore,
  options: OfferServiceOptions = {},
): ServiceImplementation<typeof OfferServiceDefinition> {
  const newMigrationId = options.newMigrationId ?? newUuid;
  return {
    async SetUserOffer(request) {
      const violations = [
        ...checkUserId(request.userId),
        ...checkOfferCode(request.offerCode, 'offer_code'),
      ];
      if (violations.length > 0) throw invalidArgument(violations);
      try {
        return offers.set(request.userId, request.offerCode);
      } catch (error) {
        if (error instanceof UserNotFoundError) throw noSuchUser(request.userId);
        throw error;
      }
    },

    async GetUserOffer(request) {
      const violations = checkUserId(request.userId);
      if (violations.length > 0) throw invalidArgument(violations);
      const offer = offers.get(request.userId);
      if (offer === undefined) throw noSuchUser(request.userId);
      return offer;
    },

    async MigrateOffers(rows) {
      const report: MigrationReport = {
        migrationId: newMigrationId(),
        rows: 0,
        migrated: 0,
        skipped: 0,
        failed: 0,
        errors: [],
      };
      const fail = (row: number, userId: string, reason: string) => {
        report.failed++;
        if (report.errors.length < MAX_LISTED_ROW_ERRORS) {
          report.errors.push({ row, userId, reason } satisfies RowError);
        }
      };
      // Each row is applied the moment it arrives: a cancelled upload keeps the rows before the
      // cancel, each consistent with its event, and nothing of the rows after it.
      for await (const row of rows) {
        const rowNumber = ++report.rows;
        const invalid = invalidRowReason(row.userId, row.currentOffer, row.targetOffer);
        if (invalid !== undefined) {
          fail(rowNumber, row.userId, invalid);
          continue;
        }
        const outcome = offers.move(
          row.userId,
          row.currentOffer,
          row.targetOffer,
          report.migrationId,
        );
        switch (outcome.kind) {
          case 'migrated':
            report.migrated++;
            break;
          case 'skipped':
            report.skipped++;
            break;
          case 'unknownUser':
            fail(rowNumber, row.userId, `no user has id "${row.userId}"`);
            break;
          case 'mismatch':
            fail(
              rowNumber,
              row.userId,
              outcome.currentOffer === ''
                ? `the user has no offer, not "${row.currentOffer}"`
                : `the user's offer is "${outcome.currentOffer}", not "${row.currentOffer === '' ? '(none)' : row.currentOffer}"`,
            );
            break;
        }
      }
      return report;
    },

    async *WatchOfferEvents(request, context) {
      if (request.fromOffset < 0) {
        throw invalidArgument([violation('from_offset', 'must not be negative')]);
      }
      // The reader ends when the call does (client cancel, deadline, shutdown): its signal aborts.
      const reader = offers.log.read(request.fromOffset, {
        userId: request.userId,
        signal: context.signal,
      });
      yield* reader;
    },
  };
}
