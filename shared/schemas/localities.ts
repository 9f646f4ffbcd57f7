import { Type, type Static } from 'typebox';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** Province (2 digits) or commune (5 digits) code of the list of administrative units in force since 1 July 2025. */
export const LocalityCode = Type.String({ minLength: 1, maxLength: 10 });

export const LocalityType = Type.Union([
  Type.Literal('tinh'),
  Type.Literal('thanh_pho'),
  Type.Literal('xa'),
  Type.Literal('phuong'),
  Type.Literal('dac_khu'),
]);
export type LocalityType = Static<typeof LocalityType>;

/** A unit of the official list (a province or city, or a commune, ward or special zone). */
export const Locality = Type.Object({
  code: Type.String(),
  /** Official name with its type word: "Xã Tân Trào", "Tỉnh Tuyên Quang", "Thành phố Hà Nội". */
  name: Type.String(),
  type: LocalityType,
  level: Type.Union([Type.Literal('province'), Type.Literal('commune')]),
  provinceCode: Type.String(),
  provinceName: Type.String(),
  /** What is stored and shown: "Xã Tân Trào, tỉnh Tuyên Quang". */
  label: Type.String(),
  /**
   * Set when the unit was found by a pre-2025 name: that name ("Xã Hồng Lạc, Huyện Sơn Dương, Tỉnh Tuyên Quang"),
   * and whether the old unit became only part of this one's area (`part`: a district, or a commune split up).
   */
  formerly: Type.Optional(Nullable(Type.Object({ name: Type.String(), part: Type.Boolean() }))),
});
export type Locality = Static<typeof Locality>;

export const LocalitySearchQuery = Type.Object(
  {
    q: Type.String({ minLength: 1, maxLength: 100 }),
    provinceCode: Type.Optional(Type.String({ pattern: '^[0-9]{2}$' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
  },
  { additionalProperties: false },
);
export type LocalitySearchQuery = Static<typeof LocalitySearchQuery>;

export const LocalitySearchResult = Type.Object({ localities: Type.Array(Locality) });
export type LocalitySearchResult = Static<typeof LocalitySearchResult>;

/** Where the list comes from, for the API and the note on the form. */
export const LocalitySource = Type.Object({
  package: Type.String(),
  version: Type.String(),
  licence: Type.String(),
  inForceFrom: Type.String(),
  provinces: Type.Integer(),
  communes: Type.Integer(),
});
export type LocalitySource = Static<typeof LocalitySource>;
