import { getContext, setContext } from 'svelte';
import type { AuthStore } from '../stores/auth.svelte';
import type { I18n } from './i18n/i18n.svelte';
import type { Router } from './router.svelte';

// Typed context helpers instead of module singletons: views get what App gives them.
const I18N = Symbol('i18n');
const ROUTER = Symbol('router');
const AUTH = Symbol('auth');

export const setI18n = (v: I18n): I18n => setContext(I18N, v);
export const getI18n = (): I18n => getContext<I18n>(I18N);
export const setRouter = (v: Router): Router => setContext(ROUTER, v);
export const getRouter = (): Router => getContext<Router>(ROUTER);
export const setAuth = (v: AuthStore): AuthStore => setContext(AUTH, v);
export const getAuth = (): AuthStore => getContext<AuthStore>(AUTH);
