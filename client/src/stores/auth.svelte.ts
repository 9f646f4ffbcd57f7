import type { User } from '../../../shared/schemas/entities';
import type { Role } from '../../../shared/schemas/enums';
import { api, ApiError } from '../lib/api';

const STORAGE_KEY = 'ln:staff';

interface Stored {
  token: string;
  user: User;
}

function readStored(): Stored | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Stored>;
    return typeof v.token === 'string' && v.user ? (v as Stored) : null;
  } catch {
    return null;
  }
}

/** The signed-in staff member, kept across reloads; checked against /api/me once per load. */
export class AuthStore {
  #state = $state.raw<Stored | null>(readStored());
  #checked = false;

  get token(): string | null {
    return this.#state?.token ?? null;
  }
  get user(): User | null {
    return this.#state?.user ?? null;
  }

  hasRole(...roles: Role[]): boolean {
    const r = this.#state?.user.role;
    return r !== undefined && roles.includes(r);
  }

  async login(username: string, password: string): Promise<User> {
    const res = await api<{ token: string; user: User }>('POST', '/api/auth/login', { body: { username, password } });
    this.#set(res);
    this.#checked = true;
    return res.user;
  }

  logout(): void {
    this.#set(null);
  }

  /** Drops a token the server no longer accepts (expired, user disabled). */
  async verify(): Promise<boolean> {
    const s = this.#state;
    if (!s) return false;
    if (this.#checked) return true;
    try {
      const user = await api<User>('GET', '/api/me', { token: s.token });
      this.#set({ token: s.token, user });
      this.#checked = true;
      return true;
    } catch (e) {
      if (e instanceof ApiError && (e.status === 401 || e.status === 403)) {
        this.#set(null);
        return false;
      }
      return true; // offline: keep the token, the socket will tell
    }
  }

  #set(v: Stored | null): void {
    this.#state = v;
    try {
      if (v) localStorage.setItem(STORAGE_KEY, JSON.stringify(v));
      else localStorage.removeItem(STORAGE_KEY);
    } catch {
      // storage unavailable: the sign-in lasts for this page only
    }
  }
}
