import type { Component } from 'svelte';
import type { RouteName } from './router.svelte';

export type ViewProps = { params: Record<string, string> };
export type View = Component<ViewProps>;
type Loader = () => Promise<{ default: View }>;

/**
 * One chunk per view: a citizen's phone downloads the participant view and
 * never the moderator's or the admin's code.
 */
export const viewLoaders: Record<Exclude<RouteName, 'landing' | 'notFound'>, Loader> = {
  participant: () => import('../views/participant/ParticipantView.svelte'),
  login: () => import('../views/login/LoginView.svelte'),
  staff: () => import('../views/staff/StaffHome.svelte'),
  moderate: () => import('../views/moderator/ModeratorView.svelte'),
  leader: () => import('../views/leader/LeaderView.svelte'),
  display: () => import('../views/display/DisplayView.svelte'),
  secretariat: () => import('../views/secretariat/SecretariatView.svelte'),
  admin: () => import('../views/admin/AdminView.svelte'),
  audit: () => import('../views/audit/AuditView.svelte'),
  register: () => import('../views/register/RegisterView.svelte'),
  units: () => import('../views/admin/UnitsView.svelte'),
  account: () => import('../views/account/AccountView.svelte'),
  track: () => import('../views/track/TrackView.svelte'),
  public: () => import('../views/public/PublicView.svelte'),
  opinionsReport: () => import('../views/reports/OpinionsReportView.svelte'),
};

/** Views drawn edge to edge without the site header (the projector). */
export const bareViews: readonly RouteName[] = ['display'];
