import type { User } from '../../../shared/schemas/entities';
import type { Role } from '../../../shared/schemas/enums';
import { api, ApiError, send204 } from '../lib/api';

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

const DEVICES_KEY = 'ln:devices';

/** Device tokens by username (kept after logout: they only say "this device signed in here before"). */
function readDevices(): Record<string, string> {
  try {
    const v = JSON.parse(localStorage.getItem(DEVICES_KEY) ?? '{}') as unknown;
    return v && typeof v === 'object' ? (v as Record<string, string>) : {};
  } catch {
    return {};
  }
}

function saveDevice(username: string, token: string): void {
  try {
    localStorage.setItem(DEVICES_KEY, JSON.stringify({ ...readDevices(), [username]: token }));
  } catch {
    // storage unavailable: this device is simply not remembered
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
    // A device that signed in to this account before says so: the server then does not hold it to the
    // per-address limit, so someone guessing passwords on the same Wi-Fi cannot lock this account out.
    const deviceToken = readDevices()[username];
    const res = await api<{ token: string; user: User; deviceToken?: string }>('POST', '/api/auth/login', {
      body: { username, password, ...(deviceToken && { deviceToken }) },
    });
    if (res.deviceToken) saveDevice(username, res.deviceToken);
    this.#set({ token: res.token, user: res.user });
    this.#checked = true;
    return res.user;
  }

  /** Ends the sign-in on the server too (every device of this user), then forgets it here. */
  async logout(): Promise<void> {
    const token = this.token;
    this.#set(null);
    if (token) {
      try {
        await send204('POST', '/api/auth/logout', token);
      } catch {
        // offline or already ended: the token is gone from this device either way
      }
    }
  }

  /** Forgets a token the server refused, without calling it. */
  drop(): void {
    this.#set(null);
  }

  /**
   * Changes the password. The server ends every older token, this one
   * included, so sign in again with the new password right away.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const s = this.#state;
    if (!s) throw new ApiError('UNAUTHORIZED', 401);
    await send204('PUT', '/api/me/password', s.token, { currentPassword, newPassword });
    await this.login(s.user.username, newPassword);
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
        this.drop();
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
