import type { PublicSettings } from '../../../shared/schemas/settings';
import { api } from './api';

/**
 * The address phones use, from the organisation's settings (PUBLIC_URL or
 * the admin's Settings page); until it is known, or when it is not set, the
 * address this page was opened with. Every link and QR code meant for
 * another device is built here.
 */
class PublicAddress {
  #base = $state<string | null>(null);
  #loaded = $state(false);
  #loading: Promise<void> | null = null;

  /** True once the settings were read (a QR code should wait for it, not flash a wrong one). */
  get loaded(): boolean {
    this.load();
    return this.#loaded;
  }

  get base(): string {
    this.load();
    return this.#base ?? location.origin;
  }

  joinUrl(code: string): string {
    return `${this.base}/j/${code}`;
  }

  load(force = false): Promise<void> {
    if (this.#loading && !force) return this.#loading;
    this.#loading = api<PublicSettings>('GET', '/api/settings/public')
      .then((s) => {
        this.#base = s.publicUrl;
      })
      .catch(() => {
        // Offline or an old server: the page's own address is the best guess.
      })
      .finally(() => {
        this.#loaded = true;
      });
    return this.#loading;
  }
}

export const publicAddress = new PublicAddress();
