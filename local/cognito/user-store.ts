import { jsonFile } from './json-file';

export type UserStatus = 'CONFIRMED' | 'UNCONFIRMED';

export interface CognitoUser {
  /** A UUID, equal to `sub`: the pool signs in with phone_number as a username attribute. */
  username: string;
  sub: string;
  /** sub, phone_number, phone_number_verified ('true' | 'false'), … */
  attributes: Record<string, string>;
  enabled: boolean;
  status: UserStatus;
  groups: string[];
  /** Epoch milliseconds. */
  createdAt: number;
  updatedAt: number;
}

export interface UserStore {
  add(user: CognitoUser): void;
  get(username: string): CognitoUser | undefined;
  /** By username, or by phone number: the pool's username attribute works as an alias. */
  findByLogin(login: string): CognitoUser | undefined;
  findByPhone(phone: string): CognitoUser | undefined;
  update(username: string, change: (user: CognitoUser) => void): CognitoUser | undefined;
  delete(username: string): boolean;
  list(): CognitoUser[];
}

export function createUserStore(options: { persistDir?: string; now: () => number }): UserStore {
  const file = jsonFile<CognitoUser[]>(options.persistDir, 'users.json');
  const users = new Map((file.load() ?? []).map((user) => [user.username, user]));
  const save = () => file.save([...users.values()]);
  const findByPhone = (phone: string) =>
    [...users.values()].find((user) => user.attributes.phone_number === phone);

  return {
    add(user) {
      if (users.has(user.username)) throw new Error(`user ${user.username} already exists`);
      users.set(user.username, structuredClone(user));
      save();
    },
    get: (username) => copy(users.get(username)),
    findByLogin: (login) => copy(users.get(login) ?? findByPhone(login)),
    findByPhone: (phone) => copy(findByPhone(phone)),
    update(username, change) {
      const user = users.get(username);
      if (!user) return undefined;
      change(user);
      user.updatedAt = options.now();
      save();
      return copy(user);
    },
    delete(username) {
      const deleted = users.delete(username);
      if (deleted) save();
      return deleted;
    },
    list: () =>
      [...users.values()].sort((a, b) => a.createdAt - b.createdAt).map((user) => structuredClone(user)),
  };
}

// Callers get copies: a change goes through update() so it is persisted.
function copy(user: CognitoUser | undefined): CognitoUser | undefined {
  return user && structuredClone(user);
}
