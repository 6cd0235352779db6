import { Type } from '@sinclair/typebox';

/** Preview tokens: 128 random bits in base64url. */
export const IMPORT_TOKEN = /^[A-Za-z0-9_-]{22}$/;

export const ImportParams = Type.Object({
  token: Type.String({ maxLength: 64 }),
});

/** The confirmation form: one checkbox saying the new units may be created. */
export const ConfirmBody = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    createUnits: Type.Optional(Type.String({ maxLength: 10 })),
  },
  { additionalProperties: Type.String({ maxLength: 200 }) },
);
