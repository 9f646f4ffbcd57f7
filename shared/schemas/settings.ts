import { Type, type Static } from 'typebox';

/** The organisation's settings (admin's settings page; env ORG_NAME, ORG_ABBREVIATION, PUBLIC_URL when unset). */
export const OrgSettings = Type.Object({
  /** As printed at the top of documents ("UBND TỈNH TUYÊN QUANG"). */
  orgName: Type.String(),
  /** In document numbers ("Số: 12/BB-UBND"). */
  orgAbbreviation: Type.String(),
  /** The address phones use ("http://192.168.1.10:3000"): every link and QR code. `null`: the address the page was opened with. */
  publicUrl: Type.Union([Type.String(), Type.Null()]),
});
export type OrgSettings = Static<typeof OrgSettings>;

/** What anyone may read: the public address and the organisation's name. */
export const PublicSettings = Type.Object({
  orgName: Type.String(),
  publicUrl: Type.Union([Type.String(), Type.Null()]),
});
export type PublicSettings = Static<typeof PublicSettings>;

/** Each field optional; an empty string puts it back to the environment's value. */
export const UpdateOrgSettingsBody = Type.Object(
  {
    orgName: Type.Optional(Type.String({ maxLength: 200 })),
    orgAbbreviation: Type.Optional(Type.String({ maxLength: 20 })),
    publicUrl: Type.Optional(Type.String({ maxLength: 300 })),
  },
  { additionalProperties: false },
);
export type UpdateOrgSettingsBody = Static<typeof UpdateOrgSettingsBody>;
