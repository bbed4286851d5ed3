// The in-memory user store: unique usernames and emails (compared case-insensitively), UUID ids,
// creation order, Unix-millisecond timestamps (docs/contract.md §2 user.UserService).
//
// Concurrency: many calls interleave at every `await`, so every operation here is synchronous —
// its read-check-write cannot be interleaved with another's. A batch checks everything before it
// writes anything. Users are immutable objects replaced on update, so a list taken at one moment
// stays consistent however the store changes while it is being streamed.

import { ChangeFeed } from './change-feed.js';
import { newUuid } from './ids.js';

export interface StoredUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly fullName: string;
  /** The user.Role number: 1 user, 2 admin, 3 moderator. */
  readonly role: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NewUser {
  /** A chosen id (the --demo data set uses reproducible ones); a new UUID when absent. */
  id?: string;
  username: string;
  email: string;
  fullName: string;
  role: number;
}

/** The fields an update may change. */
export type UserField = 'username' | 'email' | 'fullName' | 'role';

/** What changed, for subscribers of `UserStore.changes`. */
export type UserChange =
  | { readonly kind: 'created'; readonly user: StoredUser }
  | { readonly kind: 'updated'; readonly user: StoredUser; readonly field: UserField }
  | { readonly kind: 'deleted'; readonly user: StoredUser };

/** A username or email already belongs to another user (or to an earlier request of a batch). */
export interface Conflict {
  /** Position in the batch, for createMany; 0 for single operations. */
  readonly index: number;
  readonly field: 'id' | 'username' | 'email';
  readonly value: string;
}

export class ConflictError extends Error {
  override readonly name = 'ConflictError';
  constructor(readonly conflicts: readonly Conflict[]) {
    super(conflicts.map((c) => `${c.field} "${c.value}" is already taken`).join('; '));
  }
}

export class UserNotFoundError extends Error {
  override readonly name = 'UserNotFoundError';
  constructor(readonly id: string) {
    super(`no user has id "${id}"`);
  }
}

export interface UserStoreOptions {
  /** The clock, in Unix milliseconds (tests pass their own). */
  now?: () => number;
  /** Makes ids (tests pass their own). */
  newId?: () => string;
  /** Changes a change-feed subscriber may have unread before it is dropped. */
  feedCapacity?: number;
}

const fold = (text: string): string => text.toLowerCase();

export class UserStore {
  /** Every change, for whoever wants to follow the store (bounded per subscriber). */
  readonly changes: ChangeFeed<UserChange>;
  /** Insertion-ordered, so iteration is creation order. */
  private readonly byId = new Map<string, StoredUser>();
  private readonly idByUsername = new Map<string, string>();
  private readonly idByEmail = new Map<string, string>();
  /** Called synchronously after a delete, inside the same atomic step (the offer store uses it). */
  private readonly deleteListeners: Array<(user: StoredUser) => void> = [];
  private readonly now: () => number;
  private readonly newId: () => string;

  constructor(options: UserStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? newUuid;
    this.changes = new ChangeFeed(options.feedCapacity ?? 1024);
  }

  get size(): number {
    return this.byId.size;
  }

  get(id: string): StoredUser | undefined {
    return this.byId.get(id);
  }

  /** Users in creation order, a snapshot: later writes do not show up in it. */
  list(filter: { role?: number; limit?: number } = {}): StoredUser[] {
    const limit =
      filter.limit === undefined || filter.limit === 0 ? Number.POSITIVE_INFINITY : filter.limit;
    const users: StoredUser[] = [];
    for (const user of this.byId.values()) {
      if (users.length >= limit) break;
      if (filter.role === undefined || user.role === filter.role) users.push(user);
    }
    return users;
  }

  /** Stores a new user; throws ConflictError if the username or email is taken. */
  create(input: NewUser): StoredUser {
    return this.createMany([input])[0]!;
  }

  /**
   * Stores every user or none: a username or email taken in the store, or by an earlier request
   * of the same batch, fails the whole batch with a ConflictError naming each later request.
   */
  createMany(inputs: readonly NewUser[]): StoredUser[] {
    const conflicts: Conflict[] = [];
    const ids = new Set<string>();
    const usernames = new Set<string>();
    const emails = new Set<string>();
    inputs.forEach((input, index) => {
      if (input.id !== undefined) {
        if (this.byId.has(input.id) || ids.has(input.id)) {
          conflicts.push({ index, field: 'id', value: input.id });
        }
        ids.add(input.id);
      }
      const username = fold(input.username);
      const email = fold(input.email);
      if (this.idByUsername.has(username) || usernames.has(username)) {
        conflicts.push({ index, field: 'username', value: input.username });
      }
      if (this.idByEmail.has(email) || emails.has(email)) {
        conflicts.push({ index, field: 'email', value: input.email });
      }
      usernames.add(username);
      emails.add(email);
    });
    if (conflicts.length > 0) throw new ConflictError(conflicts);

    const now = this.now();
    const created = inputs.map((input) => {
      const user: StoredUser = Object.freeze({
        id: input.id ?? this.newId(),
        username: input.username,
        email: input.email,
        fullName: input.fullName,
        role: input.role,
        createdAt: now,
        updatedAt: now,
      });
      this.index(user);
      return user;
    });
    for (const user of created) this.changes.publish({ kind: 'created', user });
    return created;
  }

  /**
   * Sets one field. Setting it to its current value succeeds and changes nothing (updatedAt
   * stays); a username or email may change case without colliding with its own owner.
   */
  update(id: string, field: UserField, value: string | number): StoredUser {
    const user = this.byId.get(id);
    if (user === undefined) throw new UserNotFoundError(id);
    if (user[field] === value) return user;
    if (field === 'username' || field === 'email') {
      const owners = field === 'username' ? this.idByUsername : this.idByEmail;
      const owner = owners.get(fold(String(value)));
      if (owner !== undefined && owner !== id) {
        throw new ConflictError([{ index: 0, field, value: String(value) }]);
      }
    }
    const updated: StoredUser = Object.freeze({ ...user, [field]: value, updatedAt: this.now() });
    this.unindex(user);
    this.index(updated);
    this.changes.publish({ kind: 'updated', user: updated, field });
    return updated;
  }

  /** Deletes a user, freeing their username and email; undefined if there was none. */
  delete(id: string): StoredUser | undefined {
    const user = this.byId.get(id);
    if (user === undefined) return undefined;
    this.unindex(user);
    this.byId.delete(id);
    for (const listener of this.deleteListeners) listener(user);
    this.changes.publish({ kind: 'deleted', user });
    return user;
  }

  /** Runs `listener` inside every delete, before the delete is visible to anyone else. */
  onDelete(listener: (user: StoredUser) => void): void {
    this.deleteListeners.push(listener);
  }

  private index(user: StoredUser): void {
    this.byId.set(user.id, user);
    this.idByUsername.set(fold(user.username), user.id);
    this.idByEmail.set(fold(user.email), user.id);
  }

  private unindex(user: StoredUser): void {
    this.idByUsername.delete(fold(user.username));
    this.idByEmail.delete(fold(user.email));
  }
}
