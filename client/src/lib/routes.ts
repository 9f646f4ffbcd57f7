/** The route table, plain TypeScript so that it can be unit-tested. */
export type RouteName =
  | 'landing'
  | 'participant'
  | 'login'
  | 'staff'
  | 'moderate'
  | 'leader'
  | 'display'
  | 'secretariat'
  | 'admin'
  | 'audit'
  | 'register'
  | 'units'
  | 'account'
  | 'track'
  | 'public'
  | 'opinionsReport'
  | 'notFound';

export interface Match {
  name: RouteName;
  params: Record<string, string>;
}

const TABLE: [RouteName, RegExp, string[]][] = [
  ['landing', /^\/$/, []],
  ['participant', /^\/j\/([^/]+)\/?$/, ['code']],
  ['login', /^\/login\/?$/, []],
  ['staff', /^\/staff\/?$/, []],
  ['moderate', /^\/moderate\/(\d+)\/?$/, ['id']],
  ['leader', /^\/leader\/(\d+)\/?$/, ['id']],
  ['display', /^\/display\/(\d+)\/?$/, ['id']],
  ['secretariat', /^\/secretariat\/(\d+)\/?$/, ['id']],
  ['admin', /^\/admin\/?$/, []],
  ['audit', /^\/audit\/?$/, []],
  ['register', /^\/register\/?$/, []],
  ['units', /^\/units\/?$/, []],
  ['account', /^\/account\/?$/, []],
  ['track', /^\/track(?:\/([^/]+))?\/?$/, ['code']],
  ['public', /^\/public(?:\/(\d+))?\/?$/, ['id']],
  ['opinionsReport', /^\/reports\/opinions\/?$/, []],
];

export function match(path: string): Match {
  for (const [name, re, keys] of TABLE) {
    const m = re.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    keys.forEach((k, i) => {
      const v = m[i + 1];
      if (v !== undefined) params[k] = decodeURIComponent(v);
    });
    return { name, params };
  }
  return { name: 'notFound', params: {} };
}
