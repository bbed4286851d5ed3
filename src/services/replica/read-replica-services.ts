// user.UserService and offers.v1.OfferService as a read replica serves them (docs/kafka-replica.md
// "What a replica answers"): GetUserOffer and WatchOfferEvents from the events it applied, with
// the primary's offsets; every write FAILED_PRECONDITION with a sentence naming the primary.
//
// The user service's reads are refused too: "user-offers" carries offer events, not user
// records, so a replica knows a user only by id, through their events. grpc-go's guidance for
// FAILED_PRECONDITION fits both: the system is not in a state the call needs, and retrying here
// will not help — the client must go elsewhere.

import type { ServiceImplementation } from '../../server/handlers.js';
import type { ReplicaOfferStore } from '../../store/replica-offer-store.js';
import { GrpcError } from '../../transport/grpc-error.js';
import { Status } from '../../transport/status.js';
import { invalidArgument, violation } from '../bad-request.js';
import type { OfferServiceDefinition } from '../offers/offer-service-definition.js';
import { checkUserId } from '../offers/validation.js';
import type { UserServiceDefinition } from '../user/user-service.js';

export { OfferServiceDefinition } from '../offers/offer-service-definition.js';

/** Who the replica follows, for the sentences of its refusals. */
export interface ReplicaOf {
  /** The Kafka endpoints it reads (--replica-of), as given. */
  source: string;
  /** The primary's gRPC address (--primary), when known. */
  primary: string | undefined;
}

/** FAILED_PRECONDITION for a write, naming where writes go. */
export function writeRefusal(of: ReplicaOf): GrpcError {
  return new GrpcError(
    Status.FAILED_PRECONDITION,
    of.primary === undefined
      ? `this server is a read replica of ${of.source}; send writes to the primary that publishes there`
      : `this server is a read replica of ${of.primary}; send writes there`,
  );
}

function userReadRefusal(of: ReplicaOf): GrpcError {
  return new GrpcError(
    Status.FAILED_PRECONDITION,
    `this server is a read replica of ${of.primary ?? of.source} and holds offers only (user-offers carries no user records); ask ${of.primary ?? 'the primary'} for users`,
  );
}

export function createReplicaOfferService(
  store: ReplicaOfferStore,
  of: ReplicaOf,
): ServiceImplementation<typeof OfferServiceDefinition> {
  return {
    async SetUserOffer() {
      throw writeRefusal(of);
    },

    async MigrateOffers() {
      throw writeRefusal(of);
    },

    async GetUserOffer(request) {
      const violations = checkUserId(request.userId);
      if (violations.length > 0) throw invalidArgument(violations);
      const offer = store.get(request.userId);
      if (offer === undefined) {
        throw new GrpcError(
          Status.NOT_FOUND,
          `no offer event for user "${request.userId}" has reached this replica (a user without an offer is known to the primary only)`,
        );
      }
      return offer;
    },

    async *WatchOfferEvents(request, context) {
      if (request.fromOffset < 0) {
        throw invalidArgument([violation('from_offset', 'must not be negative')]);
      }
      yield* store.log.read(request.fromOffset, {
        userId: request.userId,
        signal: context.signal,
      });
    },
  };
}

export function createReplicaUserService(
  of: ReplicaOf,
): ServiceImplementation<typeof UserServiceDefinition> {
  return {
    async CreateUser() {
      throw writeRefusal(of);
    },
    async BatchCreateUsers() {
      throw writeRefusal(of);
    },
    // biome-ignore lint/correctness/useYield: refused before any answer, as a Trailers-Only response
    async *StreamUserUpdates() {
      throw writeRefusal(of);
    },
    async DeleteUser() {
      throw writeRefusal(of);
    },
    async GetUser() {
      throw userReadRefusal(of);
    },
    // biome-ignore lint/correctness/useYield: refused before any answer, as a Trailers-Only response
    async *ListUsers() {
      throw userReadRefusal(of);
    },
  };
}
